/**
 * An edit whose stream is cut by a killed process: the backend may already have charged it, so the next
 * process never sends it again. It compares the timeline with the one saved before the edit and tells the
 * user what changed, or that nothing did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Durability, startDurability } from '../jobs/durability-harness.js';

const CHAT = 5301;
let d: Durability;

beforeAll(async () => {
  // Slow events: the stream is still open when the bot is killed.
  d = await startDurability(10, { editDelayMs: 2500, heartbeatMs: 200 });
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

describe('an edit cut by a killed process', () => {
  it('is reported after the restart and never resent', async () => {
    const first = d.startBot();
    const asked = d.telegram.pushUpdate(
      d.telegram.textMessage({ chatId: CHAT, text: 'generate a 3-second video of waves' }),
    );
    // The job saved the timeline before the edit and marked it sent; the backend has the message.
    await d.until(async () => {
      const [job] = await d.jobs.getJobs(['active']);
      return job?.data.phase === 'sent' && d.emulator.requestsTo('run-sse').length === 1;
    }, first);
    first.child.kill('SIGKILL');
    await first.exited;
    const sentBefore = textsIn(CHAT).length;

    const second = d.startBot();
    const report = await d.until(
      () => textsIn(CHAT).find((text) => /restarted during your edit/.test(text)),
      second,
    );
    await d.until(async () => (await d.jobs.getJobCounts('completed')).completed === 1, second);

    // Either what the backend did before and after the kill, or that nothing changed — never a resend.
    expect(report).toMatch(/didn't resend it/);
    const session = [...d.emulator.sessions.values()][0]!;
    const changed = session.draft.t.some((track) => track.sg.length > 0);
    expect(report).toMatch(changed ? /Here's what changed:\n• / : /nothing on the timeline changed/);
    expect(d.emulator.requestsTo('run-sse')).toHaveLength(1);
    expect(session.messages).toHaveLength(1);
    // The report answers the user's message and notifies them.
    const call = d.telegram.calls.find((c) => c.params.text === report)!;
    expect(call.params.reply_parameters).toMatchObject({ message_id: asked.message!.message_id });
    expect(textsIn(CHAT).slice(sentBefore)).toContain('⚠️ Interrupted by a restart.');

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
