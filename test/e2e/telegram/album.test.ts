/**
 * An album end to end: Telegram delivers the parts as separate updates sharing media_group_id; the bot must
 * gather them into one message and so into ONE upload call carrying every file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../../fixtures/media.js';
import { sha256File } from './files.js';
import { closeAndCheckSecrets, type E2E, startE2E, textOf } from './harness.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => closeAndCheckSecrets(e2e));

describe('an album', () => {
  it('five images and a logo become one upload call of six files, with the caption as the instruction', async () => {
    const chatId = 3001;
    const photos = await Promise.all(
      [
        [640, 360],
        [640, 480],
        [800, 600],
        [320, 240],
        [1280, 720],
      ].map(([width, height]) => makeImage({ width: width!, height: height!, format: 'jpg' })),
    );
    const logo = await makeImage({ width: 256, height: 256, format: 'png' });
    const { telegram } = e2e;
    const mediaGroupId = '13960000000000042';
    const parts = [
      ...photos.map((path, i) =>
        telegram.fileMessage({
          chatId,
          kind: 'photo',
          file: telegram.registerFile(path),
          mediaGroupId,
          ...(i === 2 ? { caption: 'add the title "Spring Sale"' } : {}),
        }),
      ),
      telegram.fileMessage({
        chatId,
        kind: 'document',
        file: telegram.registerFile(logo),
        fileName: 'logo.png',
        mimeType: 'image/png',
        mediaGroupId,
      }),
    ];
    const [first, ...rest] = parts.map((part) => telegram.pushUpdate(part));
    await e2e.whenHandled(first!.update_id);

    // The core saw one message; the other parts travelled with the first.
    const updateIds = new Set([first, ...rest].map((u) => `telegram:${u!.update_id}`));
    expect(e2e.handled.filter((m) => updateIds.has(m.updateId ?? ''))).toHaveLength(1);
    expect(e2e.emulator.requestsTo('upload')).toHaveLength(1);
    const session = await e2e.sessionOf(chatId);
    const expected = await Promise.all([...photos, logo].map(sha256File));
    expect(session.uploads.map((u) => u.hash).sort()).toEqual([...expected].sort());
    expect(session.uploads.map((u) => u.fileType)).toEqual(Array(6).fill('image'));
    // The caption ran as an edit after the upload, once.
    expect(session.messages.map((m) => m.text)).toEqual(['add the title "Spring Sale"']);
    const texts = e2e.botMessages(chatId).map(textOf);
    expect(texts.find((t) => t.startsWith('📥 Got it:'))).toContain('logo.png');
    expect(texts).toContain('Done! I added the title "Spring Sale" (0-3s).');
  });

  it('an instruction sent while the album is still arriving runs after its upload', async () => {
    const chatId = 3002;
    const { telegram } = e2e;
    const images = await Promise.all(
      [320, 480, 640].map((width) => makeImage({ width, height: 240, format: 'jpg' })),
    );
    const parts = images.map((path) =>
      telegram.pushUpdate(
        telegram.fileMessage({
          chatId,
          kind: 'photo',
          file: telegram.registerFile(path),
          mediaGroupId: 'a2',
        }),
      ),
    );
    const instruction = telegram.pushUpdate(telegram.textMessage({ chatId, text: 'add the title "Launch"' }));
    await Promise.all([e2e.whenHandled(parts[0]!.update_id), e2e.whenHandled(instruction.update_id)]);

    const session = await e2e.sessionOf(chatId);
    expect(session.uploads).toHaveLength(3);
    const order = e2e.emulator.requests
      .filter(
        (r) =>
          r.path.includes(session.sessionId) ||
          (r.body as { session_id?: string })?.session_id === session.sessionId,
      )
      .map((r) => r.endpoint)
      .filter((endpoint) => endpoint === 'upload' || endpoint === 'run-sse');
    expect(order).toEqual(['upload', 'run-sse']);
  });
});
