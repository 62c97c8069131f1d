/**
 * A 30 MB clip end to end. The cloud Bot API lets bots download 20 MB at most, so there the bot refuses it
 * before touching it (no getFile, no download, no upload) and says why; a local Bot API server lifts the
 * limit and hands the file over by absolute path, and the clip reaches the backend whole.
 */
import { rm } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../fixtures/media.js';
import { paddedClip, sha256File, tempDir } from './files.js';
import { closeAndCheckSecrets, type E2E, startE2E, textOf } from './harness.js';

const SIZE = 30 * 1024 * 1024;
let dir: string;
let bigClip: string;

beforeAll(async () => {
  dir = await tempDir();
  bigClip = await paddedClip(await makeClip({ seconds: 2, width: 640, height: 360 }), dir, SIZE);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('on the cloud Bot API', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ localServer: false });
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
