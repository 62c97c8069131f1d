/**
 * A private chat, end to end: a real clip sent as a Telegram video reaches the emulator byte for byte, an
 * instruction is answered, and "export" (typed, or the Export button) delivers the rendered MP4 by sendVideo.
 */
import { rm } from 'node:fs/promises';
import type { InlineKeyboardMarkup, Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobe, summarizeProbe } from '../../fixtures/ffmpeg.js';
import { makeClip } from '../../fixtures/media.js';
import { downloadRender, sha256File, tempDir } from './files.js';
import { closeAndCheckSecrets, type E2E, startE2E, textOf } from './harness.js';

let e2e: E2E;
let dir: string;
let clip: string;

beforeAll(async () => {
  [e2e, dir, clip] = await Promise.all([
    startE2E(),
    tempDir(),
    makeClip({ seconds: 2, width: 1920, height: 1080 }),
  ]);
});
afterAll(async () => {
  await closeAndCheckSecrets(e2e);
  await rm(dir, { recursive: true, force: true });
});

/** The bot's message in the chat whose text passes `test`. */
function botMessage(chatId: number, test: (text: string) => boolean): Message {
  const found = e2e.botMessages(chatId).find((m) => test(textOf(m)));
  if (!found) throw new Error(`no bot message like that in chat ${chatId}`);
  return found;
}

function callbackData(message: Message): string[] {
  const markup = message.reply_markup as InlineKeyboardMarkup | undefined;
  return (markup?.inline_keyboard ?? [])
    .flat()
    .flatMap((b) => ('callback_data' in b ? [b.callback_data] : []));
}

/** Checks that the one sendVideo to the chat carried exactly the emulator's rendered MP4, a 1080p H.264. */
async function expectRenderDelivered(chatId: number, replyTo: number): Promise<void> {
  const videos = e2e.telegram.callsOf('sendVideo').filter((c) => c.params.chat_id === chatId);
  expect(videos).toHaveLength(1);
  const [call] = videos;
  expect(call!.files).toHaveLength(1);
  const session = await e2e.sessionOf(chatId);
  const { path } = await downloadRender(e2e.emulator, session.sessionId, dir);
  expect(call!.files[0]!.sha256).toBe(await sha256File(path));
  expect(summarizeProbe(await ffprobe(path))).toMatchObject({
    width: 1920,
    height: 1080,
    videoCodec: 'h264',
  });
  expect(call!.params).toMatchObject({
    width: 1920,
    height: 1080,
    supports_streaming: true,
    reply_parameters: { message_id: replyTo },
  });
}

describe('a private chat', () => {
  it('sends a clip, asks for a cinematic look, says "export" and gets the rendered MP4', async () => {
    const chatId = 2001;
    const file = e2e.telegram.registerFile(clip);
    const upload = await e2e.send(
      e2e.telegram.fileMessage({ chatId, kind: 'video', file, fileName: 'beach.mp4' }),
    );

    // The clip went from the fake's file endpoint to the emulator in one upload, byte for byte.
    expect(e2e.telegram.downloads).toHaveLength(1);
    expect(e2e.emulator.requestsTo('upload')).toHaveLength(1);
    const session = await e2e.sessionOf(chatId);
    expect(session.uploads.map((u) => u.hash)).toEqual([await sha256File(clip)]);
    const receipt = botMessage(chatId, (t) => t.startsWith('📥'));
    expect(textOf(receipt)).toMatch(/^📥 Got it: beach\.mp4 \(2 s, 1920×1080\)\./);
    expect(receipt.reply_to_message?.message_id).toBe(upload.message!.message_id);

    const edit = await e2e.send(e2e.telegram.textMessage({ chatId, text: 'apply a cinematic look' }));
    expect(session.messages.map((m) => m.text)).toEqual(['apply a cinematic look']);
    const answer = botMessage(chatId, (t) => t === 'Done! I applied a cinematic color look.');
    expect(answer.reply_to_message?.message_id).toBe(edit.message!.message_id);

    const exported = await e2e.send(e2e.telegram.textMessage({ chatId, text: 'export' }));
    await expectRenderDelivered(chatId, exported.message!.message_id);
  });

  it('/cancel while a render runs is handled at once: the render stops and no video is sent', async () => {
    const chatId = 2003;
    const file = e2e.telegram.registerFile(clip);
    await e2e.send(e2e.telegram.fileMessage({ chatId, kind: 'video', file, fileName: 'long.mp4' }));
    const rendersBefore = e2e.emulator.requestsTo('render-start').length;
    e2e.emulator.options.renderStepMs = 120_000; // the render would take minutes
    try {
      const exported = e2e.telegram.pushUpdate(e2e.telegram.textMessage({ chatId, text: 'export' }));
      await expect
        .poll(() => e2e.emulator.requestsTo('render-start').length, { timeout: 10_000 })
        .toBe(rendersBefore + 1);
      // The chat is busy with the render; /cancel must not wait behind it.
      await e2e.send(e2e.telegram.textMessage({ chatId, text: '/cancel' }));
      await e2e.whenHandled(exported.update_id);
      expect(e2e.botMessages(chatId).map(textOf)).toContain('⏹ Stopped the running job.');
      await expect.poll(() => e2e.emulator.requestsTo('render-cancel').length).toBe(1);
      expect(e2e.telegram.callsOf('sendVideo').filter((c) => c.params.chat_id === chatId)).toEqual([]);
    } finally {
      e2e.emulator.options.renderStepMs = 100;
    }
  });

  it('the Export button under the upload receipt delivers the video', async () => {
    const chatId = 2002;
    const file = e2e.telegram.registerFile(clip);
    await e2e.send(e2e.telegram.fileMessage({ chatId, kind: 'video', file, fileName: 'street.mp4' }));
    const receipt = botMessage(chatId, (t) => t.startsWith('📥'));
    expect(callbackData(receipt)).toContain('a:export');

    const pressed = await e2e.send(e2e.telegram.callbackQuery({ message: receipt, data: 'a:export' }));
    const answered = e2e.telegram.callsOf('answerCallbackQuery');
    expect(answered.map((c) => c.params.callback_query_id)).toEqual([pressed.callback_query!.id]);
    await expectRenderDelivered(chatId, receipt.message_id);
  });
});
