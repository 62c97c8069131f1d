/**
 * A 30 MB clip end to end. The cloud Bot API lets bots download 20 MB at most, so there the bot refuses it
 * before touching it (no getFile, no download, no upload) and says why, whatever host the API root names: only
 * TELEGRAM_LOCAL_BOT_API lifts the limit. A local Bot API server hands the file over by absolute path, and the
 * clip reaches the backend whole. Whatever else the Bot API says about a file (too big after all, gone) is the
 * size or the send-again message, never an apology.
 */
import { rm } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { textsFor } from '../../../src/texts.js';
import { makeClip } from '../../fixtures/media.js';
import { paddedClip, sha256File, tempDir } from './files.js';
import { closeAndCheckSecrets, type E2E, startE2E, TOKEN, textOf } from './harness.js';

const SIZE = 30 * 1024 * 1024;
let dir: string;
let bigClip: string;

beforeAll(async () => {
  dir = await tempDir();
  bigClip = await paddedClip(await makeClip({ seconds: 2, width: 640, height: 360 }), dir, SIZE);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const APOLOGY = textsFor('en').apology;

describe('on a Bot API root other than api.telegram.org, without TELEGRAM_LOCAL_BOT_API', () => {
  let e2e: E2E;
  beforeAll(async () => {
    // What app.ts gives the adapter for a loopback root (a proxy, a mirror, a test server) and no variable.
    const { localBotApi } = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
    }).telegram!;
    expect(localBotApi).toBe(false);
    e2e = await startE2E({ localServer: false, adapterLocalServer: localBotApi });
    expect(new URL(e2e.telegram.apiRoot).hostname).toBe('127.0.0.1');
  });
  afterAll(() => closeAndCheckSecrets(e2e));

  it('refuses a 30 MB clip with the 20 MB limit and what to do, without downloading or uploading it', async () => {
    const chatId = 4001;
    const file = e2e.telegram.registerFile(bigClip);
    expect(file.file_size).toBe(SIZE);
    const sent = await e2e.send(
      e2e.telegram.fileMessage({ chatId, kind: 'video', file, fileName: 'holiday.mp4' }),
    );

    const refusal = e2e.botMessages(chatId).find((m) => textOf(m).includes('holiday.mp4'));
    expect(refusal && textOf(refusal)).toMatch(/larger than 20 MB.*Trim or compress it/s);
    expect(refusal?.reply_to_message?.message_id).toBe(sent.message!.message_id);
    expect(e2e.telegram.callsOf('getFile')).toEqual([]);
    expect(e2e.telegram.downloads).toEqual([]);
    expect(e2e.emulator.requestsTo('upload')).toEqual([]);
  });
});

describe('Bot API refusals while fetching a file', () => {
  let e2e: E2E;
  beforeAll(async () => {
    // Told "local" while the server behaves as the cloud: getFile itself refuses the 30 MB clip.
    e2e = await startE2E({ localServer: false, adapterLocalServer: true });
  });
  afterAll(() => closeAndCheckSecrets(e2e));

  const sendClip = async (
    chatId: number,
    path: string,
    fileName: string,
    vanish?: 'getFile' | 'download' | { cutAfter: number },
  ) => {
    const file = e2e.telegram.registerFile(path);
    if (typeof vanish === 'object') e2e.telegram.cutDownload(file.file_id, vanish.cutAfter);
    else if (vanish) e2e.telegram.vanishFile(file.file_id, vanish);
    await e2e.send(e2e.telegram.fileMessage({ chatId, kind: 'video', file, fileName }));
    // A chat's first message is greeted first; what matters is what follows.
    return e2e
      .botMessages(chatId)
      .map(textOf)
      .filter((t) => !t.startsWith('✅ Ready.'));
  };

  it('getFile 400 "file is too big": the size message with the 20 MB limit, nothing uploaded', async () => {
    const texts = await sendClip(4003, bigClip, 'holiday.mp4');
    const getFiles = e2e.telegram.callsOf('getFile');
    expect(getFiles.map((c) => c.errorCode)).toEqual([400]);
    expect(texts.filter((t) => t.includes('holiday.mp4'))).toEqual([
      textsFor('en').uploadTooLarge('holiday.mp4', 20 * 1024 * 1024, true),
    ]);
    expect(texts).not.toContain(APOLOGY);
    expect(e2e.emulator.requestsTo('upload')).toEqual([]);
  });

  it('a file Telegram no longer has (getFile 400 "file not found"): the send-again message', async () => {
    const small = await makeClip({ seconds: 1, width: 320, height: 240 });
    const texts = await sendClip(4004, small, 'gone.mp4', 'getFile');
    expect(texts).toEqual([textsFor('en').uploadUnavailable('gone.mp4')]);
    expect(e2e.emulator.requestsTo('upload')).toEqual([]);
  });

  it('a file whose download vanished after getFile (HTTP 404): the send-again message', async () => {
    const small = await makeClip({ seconds: 1, width: 320, height: 240 });
    const texts = await sendClip(4005, small, 'expired.mp4', 'download');
    expect(texts).toEqual([textsFor('en').uploadUnavailable('expired.mp4')]);
    expect(texts).not.toContain(APOLOGY);
    expect(e2e.emulator.requestsTo('upload')).toEqual([]);
  });

  it('a download cut off in the middle of the upload: the send-again message, no apology', async () => {
    const clip = await makeClip({ seconds: 2, width: 640, height: 360 });
    // Past the bytes the format check reads, so the cut lands while the bytes stream to the backend.
    const texts = await sendClip(4006, clip, 'cut.mp4', { cutAfter: 16 * 1024 });
    expect(texts).toContain(textsFor('en').uploadUnavailable('cut.mp4'));
    expect(texts).not.toContain(APOLOGY);
    expect(e2e.emulator.requestsTo('upload').length).toBeLessThanOrEqual(1);
  });
});

describe('on a local Bot API server', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ localServer: true });
  });
  afterAll(() => closeAndCheckSecrets(e2e));

  it('accepts the same clip: read from the absolute path getFile gives, uploaded whole', async () => {
    const chatId = 4002;
    const file = e2e.telegram.registerFile(bigClip);
    await e2e.send(e2e.telegram.fileMessage({ chatId, kind: 'video', file, fileName: 'holiday.mp4' }));

    const getFiles = e2e.telegram.callsOf('getFile');
    expect(getFiles).toHaveLength(1);
    const { file_path } = getFiles[0]!.result as { file_path: string };
    expect(isAbsolute(file_path)).toBe(true);
    // Read from disk, not over HTTP.
    expect(e2e.telegram.downloads).toEqual([]);
    expect(e2e.emulator.requestsTo('upload')).toHaveLength(1);
    const [uploaded] = (await e2e.sessionOf(chatId)).uploads;
    expect(uploaded).toMatchObject({ sizeBytes: SIZE, hash: await sha256File(bigClip) });
    const texts = e2e.botMessages(chatId).map(textOf);
    expect(texts.some((t) => t.startsWith('📥 Got it: holiday.mp4 (2 s, 640×360).'))).toBe(true);
  });
});
