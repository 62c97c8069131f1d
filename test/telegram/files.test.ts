import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramLimits } from '../../adapters/telegram/files.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { AttachmentUnavailableError } from '../../src/messages.js';
import type { FileKind } from '../fakes/telegram/builders.js';
import { type Harness, startHarness } from './harness.js';

const MB = 1024 * 1024;

async function sha256Of(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

let dir: string;
async function fixture(name: string, size: number): Promise<{ path: string; sha256: string }> {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex') };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tg-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('telegramLimits', () => {
  it('uses the cloud limits unless told the server is a local Bot API server', () => {
    expect(telegramLimits(false)).toEqual({
      maxDownloadBytes: 20 * MB,
      maxUploadBytes: 50 * MB,
      maxTextLength: 4096,
    });
    expect(telegramLimits(true)).toEqual({
      maxDownloadBytes: 2000 * MB,
      maxUploadBytes: 2000 * MB,
      maxTextLength: 4096,
    });
  });

  it('TELEGRAM_LOCAL_BOT_API says it: default false whatever the root, a bad value stops start-up', () => {
    const telegram = (env: Record<string, string>) =>
      loadConfig({ TELEGRAM_BOT_TOKEN: '1:x', ...env }).telegram;
    expect(telegram({ TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' })?.localBotApi).toBe(false);
    expect(telegram({ TELEGRAM_LOCAL_BOT_API: '' })?.localBotApi).toBe(false);
    expect(telegram({ TELEGRAM_LOCAL_BOT_API: 'true' })?.localBotApi).toBe(true);
    expect(telegram({ TELEGRAM_LOCAL_BOT_API: 'false' })?.localBotApi).toBe(false);
    expect(() => telegram({ TELEGRAM_LOCAL_BOT_API: 'maybe' })).toThrow(
      new ConfigError('TELEGRAM_LOCAL_BOT_API must be true or false'),
    );
  });
});

describe('attachments from the cloud Bot API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const cases: {
    kind: FileKind;
    fileName?: string;
    mimeType?: string;
    expected: { name: string; mimeType?: string };
  }[] = [
    {
      kind: 'video',
      fileName: 'holiday.mov',
      mimeType: 'video/quicktime',
      expected: { name: 'holiday.mov', mimeType: 'video/quicktime' },
    },
    { kind: 'video', expected: { name: 'video.mp4', mimeType: 'video/mp4' } },
    { kind: 'video_note', expected: { name: 'video_note.mp4', mimeType: 'video/mp4' } },
    {
      kind: 'animation',
      fileName: 'dance.gif.mp4',
      expected: { name: 'dance.gif.mp4', mimeType: 'video/mp4' },
    },
    {
      kind: 'document',
      fileName: 'raw.mkv',
      mimeType: 'video/x-matroska',
      expected: { name: 'raw.mkv', mimeType: 'video/x-matroska' },
    },
    { kind: 'photo', expected: { name: 'photo.jpg', mimeType: 'image/jpeg' } },
    { kind: 'audio', mimeType: 'audio/mpeg', expected: { name: 'audio.mp3', mimeType: 'audio/mpeg' } },
    { kind: 'voice', expected: { name: 'voice.ogg', mimeType: 'audio/ogg' } },
  ];

  for (const [index, c] of cases.entries()) {
    it(`${c.kind}${c.fileName ? ` named ${c.fileName}` : ''}: kind, name, MIME type, size, and exact bytes on open()`, async () => {
      const { path, sha256 } = await fixture(`f${index}.bin`, 50_000 + index);
      const file = h.fake.registerFile(path);
      const caption = `case ${index}`;
      h.fake.pushUpdate(
        h.fake.fileMessage({
          chatId: 1001,
          kind: c.kind,
          file,
          fileName: c.fileName,
          mimeType: c.mimeType,
          caption,
        }),
      );
      const m = await h.next((x) => x.text === caption);
      // An animation also arrives as a document; it must count once.
      expect(m.attachments).toHaveLength(1);
      const [attachment] = m.attachments;
      expect(attachment).toMatchObject({
        kind: c.kind,
        name: c.expected.name,
        mimeType: c.expected.mimeType,
        size: 50_000 + index,
      });
      expect(await sha256Of(await attachment!.open())).toEqual({ sha256, bytes: 50_000 + index });
    });
  }

  it('open() streams a multi-megabyte file byte for byte over HTTP', async () => {
    const { path, sha256 } = await fixture('big.mp4', 6 * MB + 123);
    const file = h.fake.registerFile(path);
    h.fake.pushUpdate(h.fake.fileMessage({ chatId: 1001, kind: 'video', file, caption: 'six megabytes' }));
    const m = await h.next((x) => x.text === 'six megabytes');
    const downloadsBefore = h.fake.downloads.length;
    expect(await sha256Of(await m.attachments[0]!.open())).toEqual({ sha256, bytes: 6 * MB + 123 });
    expect(h.fake.downloads.length).toBe(downloadsBefore + 1);
  });

  it('the size is known before any download, and getFile refusing a file over 20 MB is a size problem, not a bug', async () => {
    const path = join(dir, 'huge.mp4');
    await writeFile(path, '');
    await truncate(path, 21 * MB); // sparse: costs no disk
    const file = h.fake.registerFile(path);
    h.fake.pushUpdate(
      h.fake.fileMessage({ chatId: 1001, kind: 'video', file, caption: 'too big for cloud' }),
    );
    const m = await h.next((x) => x.text === 'too big for cloud');
    // On a loopback root the adapter still applies the cloud limits: the core refuses this before open().
    expect(h.adapter.port.limits.maxDownloadBytes).toBe(20 * MB);
    expect(m.attachments[0]!.size).toBeGreaterThan(h.adapter.port.limits.maxDownloadBytes);
    const refusal = await m.attachments[0]!.open().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AttachmentUnavailableError);
    expect(refusal).toMatchObject({ reason: 'too-large', limitBytes: 20 * MB });
  });

  it('a file Telegram no longer has (getFile 400) or whose download vanished is "unavailable"', async () => {
    const { path } = await fixture('vanishing.mp4', 10_000);
    const file = h.fake.registerFile(path);
    h.fake.pushUpdate(h.fake.fileMessage({ chatId: 1001, kind: 'video', file, caption: 'vanishing' }));
    const m = await h.next((x) => x.text === 'vanishing');
    h.fake.failNext('getFile', {
      error_code: 400,
      description: 'Bad Request: wrong file_id or the file is temporarily unavailable',
    });
    await expect(m.attachments[0]!.open()).rejects.toMatchObject({
      name: 'AttachmentUnavailableError',
      reason: 'unavailable',
    });
    h.fake.vanishFile(file.file_id, 'download');
    const gone = await m.attachments[0]!.open().catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(AttachmentUnavailableError);
    expect(gone).toMatchObject({ reason: 'unavailable', message: 'file download answered HTTP 404' });
  });
});

describe('attachments from a local Bot API server (--local)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ local: true });
  });
  afterAll(async () => {
    await h.close();
  });

  it('getFile answers an absolute path and open() reads it from disk, not over HTTP', async () => {
    const { path, sha256 } = await fixture('local.mp4', 300_000);
    const file = h.fake.registerFile(path);
    h.fake.pushUpdate(h.fake.fileMessage({ chatId: 1001, kind: 'video', file, caption: 'local file' }));
    const m = await h.next((x) => x.text === 'local file');
    expect(await sha256Of(await m.attachments[0]!.open())).toEqual({ sha256, bytes: 300_000 });
    const getFile = await h.fake.waitFor('getFile');
    expect(getFile.params.file_id).toBe(file.file_id);
    expect(h.fake.downloads).toEqual([]);
  });

  it('a 21 MB file is allowed locally', async () => {
    expect(h.adapter.port.limits.maxDownloadBytes).toBe(2000 * MB);
    const path = join(dir, 'huge-local.mp4');
    await writeFile(path, '');
    await truncate(path, 21 * MB);
    const file = h.fake.registerFile(path);
    h.fake.pushUpdate(h.fake.fileMessage({ chatId: 1001, kind: 'video', file, caption: 'big local' }));
    const m = await h.next((x) => x.text === 'big local');
    expect((await sha256Of(await m.attachments[0]!.open())).bytes).toBe(21 * MB);
  });
});
