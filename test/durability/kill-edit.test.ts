/**
 * An edit whose stream is cut by a killed process: the backend may already have charged it, so the next
 * process never sends it again. It compares the timeline with the one saved before the edit and tells the
 * user what changed, or that nothing did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, watching } from '../app/process.js';
import { type Durability, startDurability } from '../jobs/durability-harness.js';
import { type Deadline, deadlineIn, waitFor } from '../support/wait-for.js';

let d: Durability;

beforeAll(async () => {
  d = await startDurability(10, { editDelayMs: 5, heartbeatMs: 20 });
});
afterAll(async () => {
  await d?.close();
});

/** Texts the bot sent or edited into the chat, in order. */
function textsIn(chatId: number): string[] {
  return d.telegram.calls
    .filter((c) => Number(c.params.chat_id) === chatId && typeof c.params.text === 'string')
    .map((c) => String(c.params.text));
}

const completedJobs = async () => (await d.jobs.getJobCounts('completed')).completed ?? 0;

/**
 * Kills the bot while the chat's edit streams (held open by the emulator's edit gate), lets the backend
 * finish the edit before the next bot starts or not, and returns that bot's report to the user.
 */
async function killDuringEdit(chatId: number, backendFinishes: boolean, deadline: Deadline) {
  const jobsBefore = await completedJobs();
  const sessionsBefore = new Set(d.emulator.sessions.keys());
  d.emulator.holdEdits();
  const first = d.startBot();
  const asked = d.telegram.pushUpdate(
    d.telegram.textMessage({ chatId, text: 'generate a 3-second video of waves' }),
  );
  // The job saved the timeline before the edit and marked it sent; the backend has the message.
  await waitFor(
    async () => {
      const [job] = await d.jobs.getJobs(['active']);
      return job?.data.phase === 'sent' && d.emulator.openStreams() === 1;
    },
    { deadline, what: 'the edit to be sent and streaming', ...watching(first) },
  );
  const session = [...d.emulator.sessions.values()].find((s) => !sessionsBefore.has(s.sessionId))!;
  first.child.kill('SIGKILL');
  await first.exited;
  const sentBefore = textsIn(chatId).length;
  if (backendFinishes) {
    // The backend finishes the edit though its client is gone, before the next bot looks.
    d.emulator.releaseEdits();
    await waitFor(() => d.emulator.openStreams() === 0, { deadline, what: 'the backend to finish the edit' });
  }

  const second: BotProcess = d.startBot();
  const report = await waitFor(
    () => textsIn(chatId).find((text) => /restarted during your edit/.test(text)),
    { deadline, what: 'the report of the interrupted edit', ...watching(second) },
  );
  await waitFor(async () => (await completedJobs()) === jobsBefore + 1, {
    deadline,
    what: 'the edit job to complete',
    ...watching(second),
  });
  // The report answers the user's message and notifies them.
  const call = d.telegram.calls.find((c) => c.params.text === report)!;
  expect(call.params.reply_parameters).toMatchObject({ message_id: asked.message!.message_id });
  expect(textsIn(chatId).slice(sentBefore)).toContain('⚠️ Interrupted by a restart.');
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  d.emulator.releaseEdits();
  return { report, session };
}

describe('an edit cut by a killed process', () => {
  it('is reported with what the backend changed, and never resent', { timeout: 170_000 }, async () => {
    const { report, session } = await killDuringEdit(5301, true, deadlineIn(150_000));
    expect(session.draft.t.some((track) => track.sg.length > 0)).toBe(true);
    expect(report).toMatch(/didn't resend it/);
    expect(report).toMatch(/Here's what changed:\n• /);
    expect(session.messages).toHaveLength(1);
  });

  it('says nothing changed when the backend has not changed the timeline yet, and never resends', {
    timeout: 170_000,
  }, async () => {
    const { report, session } = await killDuringEdit(5302, false, deadlineIn(150_000));
    expect(report).toMatch(/nothing on the timeline changed/);
    expect(report).toMatch(/didn't resend it/);
    expect(session.messages).toHaveLength(1);
  });
});
