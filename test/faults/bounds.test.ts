/**
 * The bounds, each set small through the bot's limits and pushed past: downloads at once in the process,
 * jobs waiting per chat, messages per user per minute. Gates hold the work (a download that does not
 * finish until released, a render that does not end until failed), so no test waits on a clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Attachment, ChatRef, IncomingMessage } from '../../src/messages.js';
import { textsFor } from '../../src/texts.js';
import { makeImage } from '../fixtures/media.js';
import { type Core, type CoreOptions, startCore } from '../support/core.js';
import { recordFigures } from '../support/fault-results.js';
import { fileAttachment } from '../support/harness.js';
import { RecordingPort } from '../support/recording-port.js';

let core: Core | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

let seq = 0;
function message(
  chat: ChatRef,
  input: Partial<IncomingMessage>,
  senderId = `user-${chat.chatId}`,
): IncomingMessage {
  return {
    id: String(++seq),
    chat,
    sender: { id: senderId, displayName: 'Ada' },
    text: '',
    attachments: [],
    isGroup: false,
    addressedToBot: true,
    receivedAt: Date.now(),
    ...input,
  };
}

async function start(limits: CoreOptions['limits'], emulator: CoreOptions['emulator'] = {}) {
  core = await startCore({
    keyPrefix: 'bounds',
    limits,
    emulator: { tokensPerIpPer7Days: 10_000, renderStepMs: 20, ...emulator },
  });
  return { core, port: new RecordingPort() };
}

/** An attachment whose bytes flow only once `release` is called; `opened` resolves when it is opened. */
function gatedAttachment(path: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let markOpened!: () => void;
  const opened = new Promise<void>((resolve) => {
    markOpened = resolve;
  });
  const state = { open: false };
  const inner = fileAttachment(path, { kind: 'photo', name: 'frame.png' });
  const attachment: Attachment = {
    kind: 'photo',
    name: 'frame.png',
    open: async (signal) => {
      state.open = true;
      markOpened();
      await released;
      const stream = await (await inner).open(signal);
      stream.once('close', () => {
        state.open = false;
      });
      return stream;
    },
  };
  return { attachment, release, opened, state };
}

describe('concurrent downloads per process', () => {
  it('holds the third upload until one of two slots is free', async () => {
    const { core, port } = await start({ concurrentDownloads: 2 });
    const image = await makeImage({ width: 64, height: 48, format: 'png' });
    const chats = [1, 2, 3].map((n): ChatRef => ({ platform: 'test', chatId: `dl-${n}` }));
    for (const chat of chats) await core.bot.handle(message(chat, { text: '/start' }), port);
    const gates = chats.map(() => gatedAttachment(image));
    const uploads = chats.map((chat, i) =>
      core.bot.handle(message(chat, { attachments: [gates[i]!.attachment] }), port),
    );
    await Promise.all([gates[0]!.opened, gates[1]!.opened]);
    // Two downloads are open and held; the third was queued for a slot, not opened.
    expect(gates[2]!.state.open).toBe(false);
    gates[0]!.release();
    await gates[2]!.opened;
    gates[1]!.release();
    gates[2]!.release();
    await Promise.all(uploads);
    expect(port.texts.filter((t) => t.startsWith('📥 Got it'))).toHaveLength(3);
    recordFigures([
      {
        group: 'bounds',
        inputClass: 'concurrent downloads (limit 2, 3 uploads)',
        inputs: 3,
        crashes: 0,
        lostJobs: 0,
        duplicatedSideEffects: 0,
        unanswered: 3 - port.texts.filter((t) => t.startsWith('📥 Got it')).length,
      },
    ]);
  });
});

describe('queued jobs per chat', () => {
  it.each(['en', 'zh-CN'])(
    'past the limit says "you have N jobs waiting" (%s) and runs the rest',
    async (language) => {
      const { core, port } = await start({ queuedJobsPerChat: 2 }, { renderStepMs: 60_000 });
      const chat: ChatRef = { platform: 'test', chatId: `queue-${language}` };
      await core.bot.handle(message(chat, { text: '/start', language }), port);
      const record = await core.store.getChat(`test:${chat.chatId}`);
      const session = core.emulator.sessions.get(record.sessionId!)!;
      const { appendVisual } = await import('../fakes/nemo/draft.js');
      appendVisual(session.draft, 'clip', 2000, { src: `${core.emulator.url}/media/none.mp4` });
      const t = textsFor(language === 'en' ? 'en' : 'zh');
      // One export runs (its render is held), two wait, the fourth is over the limit.
      const jobs = [0, 1, 2].map(() => core.bot.handle(message(chat, { text: 'export', language }), port));
      // The third export was told its place: one runs and two wait.
      await port.waitForText(new RegExp(`^${t.queued(2)}$`));
      await core.bot.handle(message(chat, { text: 'export', language }), port);
      expect(port.sent.at(-1)).toBe(t.tooManyWaiting(2));
      expect(t.tooManyWaiting(2)).toMatch(
        language === 'en' ? /You have 2 jobs waiting/ : /你有 2 个任务在排队/,
      );
      // The refused one started nothing; the others all finish once the renders do.
      const rendersBefore = core.emulator.renders.size;
      for (;;) {
        const running = [...core.emulator.renders.values()].find(
          (r) => r.status === 'pending' || r.status === 'processing',
        );
        if (running) core.emulator.failRender(running.id);
        if ([...core.emulator.renders.values()].filter((r) => r.status === 'failed').length >= 3) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(jobs);
      expect(core.emulator.renders.size).toBe(3);
      expect(rendersBefore).toBeLessThanOrEqual(3);
      recordFigures([
        {
          group: 'bounds',
          inputClass: `queued jobs per chat (limit 2, 4 exports, ${language})`,
          inputs: 4,
          crashes: 0,
          lostJobs: 3 - core.emulator.renders.size,
          duplicatedSideEffects: 0,
          unanswered: 0,
        },
      ]);
    },
  );
});

describe('messages per user per minute', () => {
  it('stops answering a flooding user, and another chat is answered meanwhile', async () => {
    const { core, port } = await start({ messagesPerUserPerMinute: 5 });
    const flooder: ChatRef = { platform: 'test', chatId: 'flood' };
    const other: ChatRef = { platform: 'test', chatId: 'calm' };
    await core.bot.handle(message(flooder, { text: '/start' }, 'flooder'), port);
    await core.bot.handle(message(other, { text: '/start' }, 'calm'), port);
    const answered = () => port.calls.filter((c) => c.type === 'send' && c.chat.chatId === 'flood').length;
    const before = answered();
    const flood = Array.from({ length: 30 }, () =>
      core.bot.handle(message(flooder, { text: 'credits' }, 'flooder'), port),
    );
    await core.bot.handle(message(other, { text: 'credits' }, 'calm'), port);
    await Promise.all(flood);
    // /start was the first of the five this minute: four more credits answers, the other 26 dropped.
    expect(answered() - before).toBe(4);
    expect(port.calls.filter((c) => c.type === 'send' && c.chat.chatId === 'calm').at(-1)).toMatchObject({
      text: expect.stringMatching(/^Credits: /),
    });
    recordFigures([
      {
        group: 'bounds',
        inputClass: 'messages per user per minute (limit 5, 31 sent)',
        inputs: 31,
        crashes: 0,
        lostJobs: 0,
        duplicatedSideEffects: 0,
        unanswered: 0,
      },
    ]);
  });
});
