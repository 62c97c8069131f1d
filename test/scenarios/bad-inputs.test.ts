/**
 * Files and messages the bot must refuse itself, before anything reaches the backend.
 */
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, makeFakeExecutable } from '../fixtures/media.js';
import { fileAttachment, type Harness, startHarness } from '../support/harness.js';

const ACCEPTED = 'MP4, MOV, AVI, WebM, MKV (video); JPG, PNG, GIF, WebP (images); MP3, WAV, M4A, AAC (audio)';

let h: Harness | undefined;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bad-inputs-'));
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function greeted(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  h = await startHarness(options);
  await h.send('/start');
  h.port.clear();
  return h;
}

describe('files the bot refuses', () => {
  it('an unknown type: says what it accepts and uploads nothing', async () => {
    const h = await greeted();
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'just some notes, not a video\n'.repeat(50));
    await h.send({ attachments: [await fileAttachment(path, { kind: 'document' })] });
    expect(h.port.sent).toEqual([
      `I can't use “notes.txt”: it isn't a supported media file. I accept ${ACCEPTED}.`,
    ]);
    expect(h.emulator.requestsTo('upload')).toHaveLength(0);
  });

  it('a renamed executable (clip.mp4 with ELF bytes): refused by its bytes, not its name', async () => {
    const h = await greeted();
    await h.send({ attachments: [await fileAttachment(await makeFakeExecutable())] });
    expect(h.port.sent).toEqual([
      `I can't use “clip.mp4”: it isn't a supported media file. I accept ${ACCEPTED}.`,
    ]);
    expect(h.emulator.requestsTo('upload')).toHaveLength(0);
  });

  it('a declared size over the limit: refused before the file is even opened', async () => {
    const h = await greeted();
    const clip = await makeClip({ seconds: 1, width: 320, height: 240 });
    const attachment = await fileAttachment(clip, { name: 'huge.mp4', size: 600 * 1024 * 1024 });
    await h.send({ attachments: [attachment] });
    expect(h.port.sent).toEqual([
      '“huge.mp4” is larger than the 500 MB limit. Trim or compress it and send it again.',
    ]);
    expect(attachment.opened).toBe(0);
    expect(h.emulator.requestsTo('upload')).toHaveLength(0);
  });

  it("names the platform's limit when that is the smaller one", async () => {
    const h = await greeted({ port: { limits: { maxDownloadBytes: 20 * 1024 * 1024 } } });
    const clip = await makeClip({ seconds: 1, width: 320, height: 240 });
    await h.send({ attachments: [await fileAttachment(clip, { name: 'big.mp4', size: 30 * 1024 * 1024 })] });
    expect(h.port.sent).toEqual([
      '“big.mp4” is larger than 20 MB, the most this chat platform lets me download. Trim or compress it, or send a shorter clip.',
    ]);
  });

  it('an undeclared size: counted while streaming and stopped at the limit', async () => {
    const limit = 20 * 1024;
    const h = await greeted({ port: { limits: { maxDownloadBytes: limit } } });
    const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
    expect((await stat(clip)).size).toBeGreaterThan(limit);
    await h.send({ attachments: [await fileAttachment(clip, { name: 'stream.mp4', size: 'unknown' })] });
    expect(h.port.texts.at(-1)).toBe(
      '“stream.mp4” is larger than 20 KB, the most this chat platform lets me download. Trim or compress it, or send a shorter clip.',
    );
    const record = await h.store.getChat(h.chatKey);
    expect(h.emulator.sessions.get(record.sessionId!)!.uploads).toHaveLength(0);
  });

  it('an empty file, with its size declared or not', async () => {
    const h = await greeted();
    const path = join(dir, 'empty.mp4');
    await writeFile(path, '');
    const declared = await fileAttachment(path);
    await h.send({ attachments: [declared] });
    await h.send({ attachments: [await fileAttachment(path, { size: 'unknown' })] });
    expect(h.port.sent).toEqual([
      '“empty.mp4” is empty. Please send the file again.',
      '“empty.mp4” is empty. Please send the file again.',
    ]);
    expect(declared.opened).toBe(0);
    expect(h.emulator.requestsTo('upload')).toHaveLength(0);
  });

  it('one bad file among good ones: the good ones still go, in one upload', async () => {
    const h = await greeted();
    const clip = await makeClip({ seconds: 1, width: 320, height: 240 });
    await h.send({
      attachments: [
        await fileAttachment(await makeFakeExecutable(), { name: 'setup.mp4' }),
        await fileAttachment(clip, { name: 'good.mp4' }),
      ],
    });
    expect(h.port.sent[0]).toMatch(/^I can't use “setup\.mp4”/);
    expect(h.port.texts.at(-1)).toMatch(/^📥 Got it: good\.mp4 \(1 s, 320×240\)\./);
    expect(h.emulator.requestsTo('upload')).toHaveLength(1);
  });

  it('a file named without its extension is sent under a name that matches its bytes', async () => {
    const h = await greeted();
    const clip = await makeClip({ seconds: 1, width: 320, height: 240 });
    await h.send({ attachments: [await fileAttachment(clip, { name: 'IMG_0042' })] });
    const session = await h.session();
    expect(session.uploads.map((u) => u.filename)).toEqual(['IMG_0042.mp4']);
    expect(h.port.texts.at(-1)).toMatch(/^📥 Got it: IMG_0042 \(1 s, 320×240\)\./);
  });

  it('"upload" with no file asks for one', async () => {
    const h = await greeted();
    await h.send('upload');
    expect(h.port.sent).toEqual([`Send the file right here in the chat: ${ACCEPTED}, up to 500 MB.`]);
  });
});

describe('messages the bot ignores', () => {
  it('an empty message: no answer and no backend call at all', async () => {
    h = await startHarness();
    await h.send('');
    await h.send('   ');
    expect(h.port.calls).toEqual([]);
    expect(h.emulator.requests).toEqual([]);
  });

  it('a group message not addressed to the bot', async () => {
    h = await startHarness();
    await h.bot.handle({ ...h.message('add music'), isGroup: true, addressedToBot: false }, h.port);
    expect(h.port.calls).toEqual([]);
  });

  it('a redelivered update is handled once', async () => {
    h = await startHarness();
    await h.send({ text: 'credits', updateId: 'u-1' });
    const count = h.port.calls.length;
    await h.send({ text: 'credits', updateId: 'u-1' });
    expect(h.port.calls.length).toBe(count);
    expect(h.emulator.requestsTo('credits')).toHaveLength(1);
  });
});
