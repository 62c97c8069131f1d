import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendVideoOrLink } from '../../adapters/telegram/send-video.js';
import type { ChatRef, Sender } from '../../src/messages.js';
import { runFfmpeg } from '../fixtures/ffmpeg.js';
import { type Harness, startHarness, TOKEN } from './harness.js';
import { startVideoServer } from './video-server.js';

const MB = 1024 * 1024;
const privateChat: ChatRef = { platform: 'telegram', chatId: '1001' };
const topic: ChatRef = { platform: 'telegram', chatId: '-100900', threadId: '12' };
const ada: Sender = { id: '1001', displayName: 'Ada Lovelace', username: 'ada' };
const noHandle: Sender = { id: '3003', displayName: 'Chen Wei' };

describe('telegram ChatPort against the fake Bot API', () => {
  let h: Harness;
  let dir: string;
  let video: { path: string; sha256: string; size: number };
  let videos: Awaited<ReturnType<typeof startVideoServer>>;

  beforeAll(async () => {
    h = await startHarness({ editThrottleMs: 300 });
    dir = await mkdtemp(join(tmpdir(), 'tg-port-'));
    const path = join(dir, 'result.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=10',
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      path,
    ]);
    const bytes = await readFile(path);
    video = { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    videos = await startVideoServer(path, 2100 * MB);
  });
  afterAll(async () => {
    await h.close();
    await videos.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('sendText', () => {
    it('splits text past 4096 characters at line breaks, in order, with buttons on the last piece only', async () => {
      const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(20 + (i % 17))}`);
      const text = lines.join('\n');
      const before = h.fake.callsOf('sendMessage').length;
      await h.adapter.port.sendText(privateChat, text, {
        buttons: [[{ label: 'Export', action: 'export' }]],
      });
      const sent = h.fake.callsOf('sendMessage').slice(before);
      expect(sent.length).toBeGreaterThan(1);
      for (const call of sent) {
        expect((call.params.text as string).length).toBeLessThanOrEqual(4096);
        expect(call.params.parse_mode).toBeUndefined();
      }
      expect(sent.map((c) => c.params.text).join('\n')).toBe(text);
      expect(sent.slice(0, -1).every((c) => c.params.reply_markup === undefined)).toBe(true);
      expect(sent.at(-1)!.params.reply_markup).toEqual({
        inline_keyboard: [[{ text: 'Export', callback_data: 'a:export' }]],
      });
    });

    it('cuts a single long word hard and still loses nothing', async () => {
      const text = 'y'.repeat(9000);
      const before = h.fake.callsOf('sendMessage').length;
      await h.adapter.port.sendText(privateChat, text);
      const sent = h.fake.callsOf('sendMessage').slice(before);
      expect(sent.map((c) => (c.params.text as string).length)).toEqual([4096, 4096, 808]);
    });

    it('mentions the requester by @username with a mention entity, replies, and posts in the topic', async () => {
      const sent = await h.adapter.port.sendText(topic, 'Your video is ready *not bold* <b>', {
        mention: ada,
        replyTo: '5',
      });
      const call = await h.fake.waitFor(
        'sendMessage',
        (c) => c.params.text === '@ada Your video is ready *not bold* <b>',
      );
      expect(call.params).toMatchObject({
        chat_id: -100900,
        message_thread_id: 12,
        entities: [{ type: 'mention', offset: 0, length: 4 }],
        reply_parameters: { message_id: 5, allow_sending_without_reply: true },
      });
      expect(call.params.parse_mode).toBeUndefined();
      expect(h.fake.message(-100900, Number(sent.id))?.message_thread_id).toBe(12);
    });

    it('mentions a user without a username by a text_mention of their id', async () => {
      await h.adapter.port.sendText(privateChat, 'done', { mention: noHandle });
      const call = await h.fake.waitFor('sendMessage', (c) => c.params.text === 'Chen Wei done');
      expect(call.params.entities).toEqual([
        {
          type: 'text_mention',
          offset: 0,
          length: 8,
          user: { id: 3003, is_bot: false, first_name: 'Chen Wei' },
        },
      ]);
    });

    it('rides out a 429 with retry_after (auto-retry) and sends once it may', async () => {
      h.fake.failNext('sendMessage', {
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      });
      const sent = await h.adapter.port.sendText(privateChat, 'after the rate limit');
      const attempts = h.fake.callsOf('sendMessage').filter((c) => c.params.text === 'after the rate limit');
      expect(attempts.map((c) => c.errorCode)).toEqual([429, undefined]);
      expect(h.fake.message(1001, Number(sent.id))?.text).toBe('after the rate limit');
    });
  });

  describe('editText', () => {
    it('coalesces a burst of edits into the first and the latest', async () => {
      const sent = await h.adapter.port.sendText(privateChat, 'Working… 0%');
      const before = h.fake.callsOf('editMessageText').length;
      const burst = Array.from({ length: 10 }, (_, i) =>
        h.adapter.port.editText(privateChat, sent.id, `Working… ${(i + 1) * 10}%`),
      );
      await Promise.all(burst);
      const edits = h.fake.callsOf('editMessageText').slice(before);
      expect(edits.map((c) => c.params.text)).toEqual(['Working… 10%', 'Working… 100%']);
      expect(h.fake.message(1001, Number(sent.id))?.text).toBe('Working… 100%');
    });

    it('treats "message is not modified" as done', async () => {
      const sent = await h.adapter.port.sendText(privateChat, 'Same text');
      await expect(h.adapter.port.editText(privateChat, sent.id, 'Same text')).resolves.toBeUndefined();
      const call = await h.fake.waitFor('editMessageText', (c) => c.params.message_id === Number(sent.id));
      expect(call.errorCode).toBe(400);
    });

    it('can change the buttons and still reports real failures', async () => {
      const sent = await h.adapter.port.sendText(privateChat, 'Rendered');
      await h.adapter.port.editText(privateChat, sent.id, 'Rendered', {
        buttons: [[{ label: 'Status', action: 'status' }]],
      });
      expect(h.fake.message(1001, Number(sent.id))?.reply_markup).toEqual({
        inline_keyboard: [[{ text: 'Status', callback_data: 'a:status' }]],
      });
      await expect(h.adapter.port.editText(privateChat, '999999', 'nope')).rejects.toThrow(
        /message to edit not found/,
      );
    });
  });

  it('showAction sends a chat action into the topic', async () => {
    await h.adapter.port.showAction(topic, 'upload_video');
    const call = await h.fake.waitFor('sendChatAction');
    expect(call.params).toMatchObject({ chat_id: -100900, action: 'upload_video', message_thread_id: 12 });
  });

  describe('sendVideo', () => {
    it('downloads the MP4 and uploads it as multipart sendVideo, byte for byte', async () => {
      const sent = await h.adapter.port.sendVideo(
        topic,
        {
          url: `${videos.base}/video.mp4`,
          fileName: 'my-video.mp4',
          size: video.size,
          durationSec: 1,
          width: 320,
          height: 240,
          caption: 'Here it is',
        },
        { mention: ada, replyTo: '3' },
      );
      const call = await h.fake.waitFor('sendVideo', (c) => c.params.caption === '@ada Here it is');
      expect(call.files).toEqual([
        expect.objectContaining({ filename: 'my-video.mp4', bytes: video.size, sha256: video.sha256 }),
      ]);
      expect(call.params).toMatchObject({
        chat_id: -100900,
        message_thread_id: 12,
        supports_streaming: true,
        duration: 1,
        width: 320,
        height: 240,
        caption_entities: [{ type: 'mention', offset: 0, length: 4 }],
        reply_parameters: { message_id: 3, allow_sending_without_reply: true },
      });
      expect(h.fake.message(-100900, Number(sent.id))?.video?.file_size).toBe(video.size);
    });

    it('downloads again when auto-retry repeats the upload after a 429', async () => {
      h.fake.failNext('sendVideo', {
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      });
      const hitsBefore = videos.hits.get('/chunked.mp4') ?? 0;
      await h.adapter.port.sendVideo(privateChat, {
        url: `${videos.base}/chunked.mp4`,
        fileName: 'retry.mp4',
        caption: 'retried',
      });
      const attempts = h.fake.callsOf('sendVideo').filter((c) => c.params.caption === 'retried');
      expect(attempts.map((c) => c.errorCode)).toEqual([429, undefined]);
      expect(attempts.map((c) => c.files[0]?.sha256)).toEqual([video.sha256, video.sha256]);
      expect((videos.hits.get('/chunked.mp4') ?? 0) - hitsBefore).toBe(2);
    });

    it('sends a "Download video" link with the size when the known size is past the upload limit', async () => {
      const huge = h.adapter.port.limits.maxUploadBytes + 1;
      const uploadsBefore = h.fake.callsOf('sendVideo').length;
      const hitsBefore = videos.hits.get('/video.mp4') ?? 0;
      await h.adapter.port.sendVideo(privateChat, {
        url: `${videos.base}/video.mp4`,
        fileName: 'long.mp4',
        size: huge,
      });
      const call = await h.fake.waitFor('sendMessage', (c) => String(c.params.text).includes('long.mp4'));
      // The fake is the cloud Bot API (50 MB uploads); its loopback URL no longer passes for a local server.
      expect(call.params.text).toContain('50.0 MB');
      expect(call.params.reply_markup).toEqual({
        inline_keyboard: [[{ text: 'Download video', url: `${videos.base}/video.mp4` }]],
      });
      expect(h.fake.callsOf('sendVideo').length).toBe(uploadsBefore);
      expect(videos.hits.get('/video.mp4') ?? 0).toBe(hitsBefore); // refused before any download
    });

    it('sends the link when Content-Length shows the file is past the upload limit', async () => {
      await h.adapter.port.sendVideo(privateChat, {
        url: `${videos.base}/claims-huge.mp4`,
        fileName: 'claims.mp4',
      });
      const call = await h.fake.waitFor('sendMessage', (c) => String(c.params.text).includes('claims.mp4'));
      expect(call.params.text).toContain('2100.0 MB');
      expect(call.params.reply_markup).toEqual({
        inline_keyboard: [[{ text: 'Download video', url: `${videos.base}/claims-huge.mp4` }]],
      });
    });

    it('sends the link when a download with no Content-Length runs past the limit', async () => {
      const api = new Api(TOKEN, { apiRoot: h.fake.apiRoot });
      const sent = await sendVideoOrLink({
        api,
        chat: privateChat,
        video: { url: `${videos.base}/chunked.mp4`, fileName: 'counted.mp4' },
        options: {},
        maxUploadBytes: Math.floor(video.size / 2),
        sendText: h.adapter.port.sendText,
      });
      expect(h.fake.message(1001, Number(sent.id))?.text).toContain('counted.mp4');
      expect(h.fake.callsOf('sendVideo').some((c) => c.files.some((f) => f.filename === 'counted.mp4'))).toBe(
        false,
      );
    });
  });
});
