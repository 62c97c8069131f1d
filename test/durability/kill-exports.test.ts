/**
 * Twenty exports in twenty chats, the bot killed (SIGKILL) while every render is pending, a new bot started:
 * each chat gets its video exactly once, and no render is started twice.
 */
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, watching } from '../app/process.js';
import { chatIds, type Durability, startDurability } from '../jobs/durability-harness.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';

const CHATS = chatIds(5101, 20);
let d: Durability;

beforeAll(async () => {
  d = await startDurability(9, { editDelayMs: 5, heartbeatMs: 20 });
});
afterAll(async () => {
  await d?.close();
});

function exportJobsWithRender(jobs: Awaited<ReturnType<Durability['jobs']['getJobs']>>): number {
  return jobs.filter((job) => job.data.kind === 'export' && job.data.renderId).length;
}

describe('exports survive a killed process', () => {
  it('delivers each of 20 pending renders exactly once after a restart, without rendering again', {
    timeout: 260_000,
  }, async () => {
    const deadline = deadlineIn(240_000);
    const first: BotProcess = d.startBot();
    // A timeline for every chat: a generated clip.
    for (const chatId of CHATS)
      d.telegram.pushUpdate(d.telegram.textMessage({ chatId, text: 'generate a 3-second video of waves' }));
    await waitFor(
      () =>
        [...d.emulator.sessions.values()].filter((s) => s.draft.t.some((t) => t.sg.length > 0)).length === 20,
      { deadline, what: 'a generated clip in all 20 chats', ...watching(first) },
    );
    // Renders stay pending until released, so every one is still running at the kill however slow this is.
    d.emulator.holdRenders();
    // Each chat's edit answered in full before its export (the chat's own queue keeps that order anyway).
    for (const chatId of CHATS) d.telegram.pushUpdate(d.telegram.textMessage({ chatId, text: 'export' }));

    // Every render started, and every job saved its render id: the state a takeover resumes from.
    await waitFor(async () => exportJobsWithRender(await d.jobs.getJobs(['active'])) === 20, {
      deadline,
      what: 'all 20 export jobs to save their render id',
      ...watching(first),
    });
    expect(d.emulator.renders.size).toBe(20);
    expect([...d.emulator.renders.values()].every((r) => r.status === 'pending')).toBe(true);
    expect(d.telegram.callsOf('sendVideo')).toHaveLength(0);
    first.child.kill('SIGKILL');
    await first.exited;
    d.emulator.releaseRenders();

    const second = d.startBot();
    await waitFor(() => d.telegram.callsOf('sendVideo').length >= 20, {
      deadline,
      what: 'a video in all 20 chats from the second bot',
      ...watching(second),
    });
    // Every job ends (the 20 edits and the 20 exports), so no late second delivery can still be on its way.
    await waitFor(async () => (await d.jobs.getJobCounts('completed')).completed === 40, {
      deadline,
      what: 'all 40 jobs to complete',
      ...watching(second),
    });
    const counts = await d.jobs.getJobCounts('active', 'waiting', 'delayed', 'failed');
    expect(counts).toMatchObject({ active: 0, waiting: 0, delayed: 0, failed: 0 });

    const videos = d.telegram.callsOf('sendVideo');
    expect(videos.map((call) => Number(call.params.chat_id)).sort()).toEqual(CHATS);
    expect(d.emulator.requestsTo('render-start')).toHaveLength(20);
    // Each video is the chat's own render, answering the user's "export".
    for (const call of videos) {
      const chatId = Number(call.params.chat_id);
      expect(call.files).toHaveLength(1);
      const reply = call.params.reply_parameters as { message_id: number };
      const asked = d.telegram.message(chatId, reply.message_id) as Message & { text?: string };
      expect(asked.text).toBe('export');
    }

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
