/**
 * Work the user was told is queued ("Queued — 1 job ahead") is not lost with the process: it waits in Redis
 * as a held job, and after a SIGKILL it runs once its hold lapses, exactly once, next to the taken-over
 * export ahead of it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BotProcess, watching } from '../app/process.js';
import { chatIds, type Durability, startDurability } from '../jobs/durability-harness.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';

const CHATS = chatIds(5201, 3);
const titleOf = (chatId: number) => `add the title "Queued ${chatId}"`;
let d: Durability;

beforeAll(async () => {
  d = await startDurability(11, { editDelayMs: 5, heartbeatMs: 20 });
});
afterAll(async () => {
  await d?.close();
});

it('runs a queued edit after the process dies, once, and still delivers the export ahead of it', async () => {
  const deadline = deadlineIn(240_000);
  const first: BotProcess = d.startBot();
  for (const chatId of CHATS)
    d.telegram.pushUpdate(d.telegram.textMessage({ chatId, text: 'generate a 3-second video of waves' }));
  await waitFor(
    () =>
      [...d.emulator.sessions.values()].filter((s) => s.draft.t.some((t) => t.sg.length > 0)).length ===
      CHATS.length,
    { deadline, what: 'a generated clip in every chat', ...watching(first) },
  );
  // The generations have ended (their clip is in the draft before their stream ends): the export will be the
  // only job ahead of each edit.
  await waitFor(async () => (await d.jobs.getJobCounts('completed')).completed === CHATS.length, {
    deadline,
    what: 'every generation job to complete',
    ...watching(first),
  });
  // The exports' renders stay running until released: the edits behind them stay queued however slow this is.
  d.emulator.holdRenders();
  for (const chatId of CHATS) {
    d.telegram.pushUpdate(d.telegram.textMessage({ chatId, text: 'export' }));
    d.telegram.pushUpdate(d.telegram.textMessage({ chatId, text: titleOf(chatId) }));
  }
  // Each chat's export renders, its edit is told it waits, and that edit is held in Redis.
  await waitFor(() => d.emulator.renders.size === CHATS.length, {
    deadline,
    what: 'every export to start its render',
    ...watching(first),
  });
  await waitFor(
    () =>
      d.telegram
        .callsOf('sendMessage')
        .filter((c) => String(c.params.text).startsWith('Queued — 1 job ahead')).length === CHATS.length,
    { deadline, what: 'every edit to be told it is queued', ...watching(first) },
  );
  await waitFor(async () => (await d.jobs.getJobCounts('delayed')).delayed === CHATS.length, {
    deadline,
    what: 'every queued edit to be held in Redis',
    ...watching(first),
  });
  // Every export saved its render id: the state a takeover resumes from (a kill before that starts it again).
  await waitFor(
    async () =>
      (await d.jobs.getJobs(['active'])).filter((job) => job.data.kind === 'export' && job.data.renderId)
        .length === CHATS.length,
    { deadline, what: 'every export job to save its render id', ...watching(first) },
  );
  expect([...d.emulator.renders.values()].every((r) => r.status === 'pending')).toBe(true);
  first.child.kill('SIGKILL');
  await first.exited;
  d.emulator.releaseRenders();

  const second = d.startBot();
  await waitFor(() => d.telegram.callsOf('sendVideo').length >= CHATS.length, {
    deadline,
    what: 'a video in every chat from the second bot',
    ...watching(second),
  });
  const streamedTitles = () =>
    d.emulator.requestsTo('run-sse').filter((r) => JSON.stringify(r.body).includes('Queued 52'));
  await waitFor(() => streamedTitles().length >= CHATS.length, {
    deadline,
    what: 'every queued edit to be streamed',
    ...watching(second),
  });
  await waitFor(async () => (await d.jobs.getJobCounts('completed')).completed === CHATS.length * 3, {
    deadline,
    what: 'every job (generate, export, edit in each chat) to complete',
    ...watching(second),
  });

  for (const chatId of CHATS) {
    // The edit was taken once (never resent), and the user heard back from it.
    const taken = streamedTitles().filter((r) => JSON.stringify(r.body).includes(`Queued ${chatId}`));
    expect({ chatId, streams: taken.length }).toEqual({ chatId, streams: 1 });
    const videos = d.telegram.callsOf('sendVideo').filter((c) => Number(c.params.chat_id) === chatId);
    expect({ chatId, videos: videos.length }).toEqual({ chatId, videos: 1 });
  }
  expect(d.emulator.requestsTo('render-start')).toHaveLength(CHATS.length);
  expect(await d.jobs.getJobCounts('delayed', 'waiting', 'active', 'failed')).toMatchObject({
    delayed: 0,
    waiting: 0,
    active: 0,
    failed: 0,
  });
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 260_000);
