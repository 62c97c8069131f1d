/**
 * Daily edit budgets on real Redis with two bot processes (two cores sharing one key prefix and one
 * emulator) and a restart: the limit holds across all of them, a refusal costs the backend nothing and says
 * when the budget resets, exports stay free, and an edit the backend refused gives its unit back.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AccessConfig, loadConfig } from '../../src/config.js';
import type { Attachment, IncomingMessage } from '../../src/messages.js';
import { textsFor } from '../../src/texts.js';
import type { Emulator } from '../fakes/nemo/emulator.js';
import { startEmulator } from '../fakes/nemo/emulator.js';
import { type Core, startCore } from '../support/core.js';
import { RecordingPort } from '../support/recording-port.js';

const en = textsFor('en');
const prefix = `budgets:${randomUUID()}:`;
const access: AccessConfig = {
  ...loadConfig({ USER_DAILY_EDITS: '2', CHAT_DAILY_EDITS: '3' }).access,
  // The test platform's ids; an operator writes telegram:<id> or discord:<id>.
  admins: new Set(['test:boss']),
};

let emulator: Emulator;
const cores: Core[] = [];
/** A running process, started if the tests before did not leave one. */
async function aProcess(): Promise<Core> {
  return cores[0] ?? startProcess();
}

/** One bot process: its own store connection and core, on the shared prefix and backend. */
async function startProcess(): Promise<Core> {
  const core = await startCore({
    keyPrefix: prefix,
    sharedKeyPrefix: true,
    sharedEmulator: emulator,
    access,
  });
  cores.push(core);
  return core;
}

beforeAll(async () => {
  emulator = await startEmulator({
    editDelayMs: 2,
    heartbeatMs: 10,
    noTextRatio: 0,
    tokensPerIpPer7Days: 100,
    // Enough for every edit here: a refusal for lack of credits is tested on purpose, once.
    initialCredits: 10_000,
  });
});
afterAll(async () => {
  for (const core of cores.splice(0)) await core.close();
  await emulator.close();
});

let seq = 0;
function message(user: string, chat: string, text: string, isGroup = false): IncomingMessage {
  return {
    id: String(++seq),
    chat: { platform: 'test', chatId: chat },
    sender: { id: user, displayName: user },
    text,
    attachments: [],
    isGroup,
    addressedToBot: true,
    language: 'en',
    receivedAt: Date.now(),
  };
}

/** Sends as one user in one chat through a process, and returns what the bot showed (edits included). */
async function say(core: Core, user: string, chat: string, text: string, isGroup = false): Promise<string[]> {
  const port = new RecordingPort();
  await core.bot.handle(message(user, chat, text, isGroup), port);
  if (process.env.DEBUG_BUDGETS) console.log(user, chat, text, port.texts);
  return port.texts;
}

const agentMessages = async (core: Core, chat: string) => {
  const { sessionId } = await core.store.getChat(`test:${chat}`);
  return sessionId ? (emulator.sessions.get(sessionId)?.messages.map((m) => m.text) ?? []) : [];
};

describe('USER_DAILY_EDITS=2', () => {
  it('refuses the third edit, also from a second process and after a restart, at no backend cost', async () => {
    const first = await startProcess();
    const second = await startProcess();
    await say(first, 'ada', 'ada-chat', 'make it cinematic');
    await say(first, 'ada', 'ada-chat', 'add a title that says hello');
    expect(await agentMessages(first, 'ada-chat')).toEqual([
      'make it cinematic',
      'add a title that says hello',
    ]);

    const before = emulator.requests.length;
    const fromSecond = await say(second, 'ada', 'ada-chat', 'make it black and white');
    expect(fromSecond).toHaveLength(1);
    expect(fromSecond[0]).toMatch(
      /^You've used all 2 edits for today\. Your budget resets at 00:00 UTC \(in \d+ h \d+ min|in \d+ min\)/,
    );
    expect(emulator.requests.slice(before)).toEqual([]);

    // A restart: the first process goes away and a new one starts on the same Redis.
    await first.close();
    cores.splice(cores.indexOf(first), 1);
    const restarted = await startProcess();
    const afterRestart = await say(restarted, 'ada', 'another-chat', 'make it cinematic');
    expect(afterRestart[0]).toMatch(/^You've used all 2 edits for today/);
    expect(emulator.requests.slice(before)).toEqual([]);
    expect(await agentMessages(restarted, 'ada-chat')).toHaveLength(2);

    // Somebody else still may.
    await say(restarted, 'grace', 'grace-chat', 'make it cinematic');
    expect(await agentMessages(restarted, 'grace-chat')).toEqual(['make it cinematic']);
  });

  it('never lets a user past the limit when two processes take their edits at the same moment', async () => {
    const a = await aProcess();
    const b = cores[1] ?? (await startProcess());
    const answers = await Promise.all([
      say(a, 'linus', 'linus-1', 'make it cinematic'),
      say(b, 'linus', 'linus-2', 'make it cinematic'),
      say(a, 'linus', 'linus-3', 'make it cinematic'),
      say(b, 'linus', 'linus-4', 'make it cinematic'),
    ]);
    const reached = await Promise.all(
      ['linus-1', 'linus-2', 'linus-3', 'linus-4'].map((c) => agentMessages(a, c)),
    );
    expect(reached.flat()).toHaveLength(2);
    expect(answers.filter((sent) => /^You've used all 2 edits/.test(sent[0] ?? ''))).toHaveLength(2);
  });

  it('gives back the unit of an edit the backend refused (no credits)', async () => {
    const core = await aProcess();
    await say(core, 'mary', 'mary-chat', '/credits');
    const { token } = await core.store.getChat('test:mary-chat');
    emulator.setCredits(token!, 0);
    const refused = await say(core, 'mary', 'mary-chat', 'make it cinematic');
    expect(refused.at(-1)).toMatch(/out of free credits/);
    expect((await say(core, 'mary', 'mary-chat', '/limits'))[0]).toMatch(/^Edits today: 0 of 2 \(you\)/);

    emulator.setCredits(token!, 1000);
    await say(core, 'mary', 'mary-chat', 'make it cinematic');
    await say(core, 'mary', 'mary-chat', 'add a title that says hello');
    expect(await agentMessages(core, 'mary-chat')).toHaveLength(2);
    expect((await say(core, 'mary', 'mary-chat', 'make it black and white'))[0]).toMatch(
      /^You've used all 2/,
    );
  });

  it('gives back the unit of an edit dropped from the queue by /cancel, not of the one already sent', async () => {
    const core = await aProcess();
    await say(core, 'zoe', 'zoe-chat', '/credits');
    // The first edit's stream is held at the backend until /cancel ends it; the second waits behind it.
    emulator.inject({ endpoint: 'run-sse', delayMs: 60_000 });
    const streamsBefore = emulator.requestsTo('run-sse').length;
    const port = new RecordingPort();
    const sentFirst = core.bot.handle(message('zoe', 'zoe-chat', 'make it cinematic'), port);
    const queuedSecond = core.bot.handle(message('zoe', 'zoe-chat', 'add a title that says hello'), port);
    await port.waitForText(/^Queued — 1 job ahead/);
    // The first edit has reached the backend: it may be charged, so it keeps its unit.
    await vi.waitFor(() => expect(emulator.requestsTo('run-sse')).toHaveLength(streamsBefore + 1), {
      timeout: 10_000,
      interval: 10,
    });
    await core.bot.handle(message('zoe', 'zoe-chat', '/cancel'), port);
    await Promise.all([sentFirst, queuedSecond]);
    emulator.clearFaults();
    expect((await say(core, 'zoe', 'zoe-chat', '/limits'))[0]).toMatch(/^Edits today: 1 of 2 \(you\)/);
  });

  it('counts a caption sent with a file as an edit, and gives it back when the file is refused', async () => {
    const core = await aProcess();
    const port = new RecordingPort();
    const notMedia: Attachment = {
      kind: 'document',
      name: 'notes.mp4',
      size: 12,
      open: async () => Readable.from([Buffer.from('hello, world')]),
    };
    const upload = { ...message('ivy', 'ivy-chat', 'make it cinematic'), attachments: [notMedia] };
    await core.bot.handle(upload, port);
    expect(port.texts.join('\n')).toMatch(/isn't a supported media file/);
    expect((await say(core, 'ivy', 'ivy-chat', '/limits'))[0]).toMatch(/^Edits today: 0 of 2 \(you\)/);
  });

  it('keeps exports free when the budget is spent', async () => {
    const answer = await say(cores[0]!, 'ada', 'ada-chat', 'export');
    expect(answer.join('\n')).not.toMatch(/edits for today/);
    expect(emulator.requestsTo('render-start').length + emulator.requestsTo('state').length).toBeGreaterThan(
      0,
    );
  });
});

describe('CHAT_DAILY_EDITS=3', () => {
  it('counts every member of a group against the chat, and says when it resets', async () => {
    const core = await aProcess();
    await say(core, 'u1', 'team', 'make it cinematic', true);
    await say(core, 'u1', 'team', 'add a title that says hello', true);
    await say(core, 'u2', 'team', 'make it black and white', true);
    const refused = await say(core, 'u2', 'team', 'add music', true);
    expect(refused[0]).toMatch(/^This chat has used all 3 edits for today\. The budget resets at 00:00 UTC/);
    expect(await agentMessages(core, 'team')).toHaveLength(3);
  });
});

describe('admins', () => {
  it('are counted but never budgeted, and only they see /stats, in a private chat', async () => {
    const core = await aProcess();
    for (const text of ['make it cinematic', 'add a title', 'add music'])
      await say(core, 'boss', 'boss-chat', text);
    expect(await agentMessages(core, 'boss-chat')).toHaveLength(3);
    expect((await say(core, 'boss', 'boss-chat', '/limits'))[0]).toBe(
      'Edits today: 3 (you), 3 (this chat).\nYou are an admin: no daily limit applies to you.',
    );

    const stats = (await say(core, 'boss', 'boss-chat', '/stats'))[0]!;
    expect(stats).toMatch(/^Today \(UTC\): \d+ edits, \d+ exports?, \d+ refusals?\./);
    expect(stats).toContain('1. test:boss: 3');
    expect(await say(core, 'ada', 'ada-chat', '/stats')).toEqual([en.statsOnlyAdmins]);
    expect(await say(core, 'boss', 'team', '/stats', true)).toEqual([en.statsOnlyAdmins]);
  });
});
