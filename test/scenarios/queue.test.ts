/**
 * One job at a time per chat: later jobs wait their turn and are told so; quick questions answer at once;
 * /cancel and /new stop what runs — on the backend too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeClip } from '../fixtures/media.js';
import { fileAttachment, type Harness, startHarness } from '../support/harness.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Generations take a while on the emulator (several heartbeats per tool). */
const SLOW = { editDelayMs: 10, heartbeatMs: 60, initialCredits: 1000 };

async function greeted(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  h = await startHarness(options);
  await h.send('/start');
  h.port.clear();
  return h;
}

describe('the chat queue', () => {
  it('tells a second edit its position and runs both, in order', async () => {
    const h = await greeted({ emulator: SLOW });
    // The first edit streams until released: the second surely arrives while it runs.
    h.emulator.holdEdits();
    const first = h.start('generate a video of a red fox');
    await h.port.waitForText(/^⏳ Working on it…$/);
    const second = h.start('add a title "Fox"');
    await h.port.waitForText(/^Queued — 1 job ahead of yours\.$/);
    h.emulator.releaseEdits();
    await Promise.all([first, second]);
    const session = await h.session();
    expect(session.messages.map((m) => m.text)).toEqual([
      'generate a video of a red fox',
      'add a title "Fox"',
    ]);
    const replies = h.port.sent.filter((t) => t.startsWith('Done!'));
    expect(replies).toHaveLength(2);
    expect(replies[1]).toBe('Done! I added the title "Fox" (0-3s).');
  });

  it('answers credits at once while an edit runs', async () => {
    const h = await greeted({ emulator: SLOW });
    h.emulator.holdEdits();
    const edit = h.start('generate a video of a red fox');
    await h.port.waitForText(/^⏳ Working on it…$/);
    await h.send('credits');
    h.emulator.releaseEdits();
    const creditsAt = h.port.sent.findIndex((t) => t.startsWith('Credits:'));
    expect(creditsAt).toBeGreaterThan(-1);
    // The edit had not answered yet when credits did.
    expect(h.port.sent.some((t) => t.startsWith('Done!'))).toBe(false);
    expect(h.port.sent[creditsAt]).toMatch(
      /^Credits: \d+ available, \d+ held by running jobs, 1000 total\.$/,
    );
    await edit;
    expect(h.port.sent.at(-1)).toMatch(/^Done! I generated/);
  });

  it('/cancel stops the running edit and drops the queued one', async () => {
    const h = await greeted({ emulator: SLOW });
    const deadline = deadlineIn(20_000);
    h.emulator.holdEdits();
    const running = h.start('generate a video of a red fox');
    await waitFor(() => h.emulator.requestsTo('run-sse').length === 1, {
      deadline,
      what: 'the edit to stream',
    });
    const queued = h.start('add a title "Fox"');
    await h.port.waitForText(/^Queued/);
    await h.send('/cancel');
    await Promise.all([running, queued]);
    expect(h.port.sent).toContain('⏹ Stopped the running job and dropped 1 queued.');
    expect(h.port.texts).toContain('⏹ Cancelled.');
    expect(h.port.sent.some((t) => t.startsWith('Done!'))).toBe(false);
    // The queued edit never reached the backend.
    expect(h.emulator.requestsTo('run-sse')).toHaveLength(1);
  });

  it('/cancel during an export cancels the render on the backend', async () => {
    const h = await greeted();
    const deadline = deadlineIn(20_000);
    const clip = await makeClip({ seconds: 1, width: 320, height: 240 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    // The render runs until the cancel: it cannot finish first.
    h.emulator.holdRenders();
    const exporting = h.start('export');
    await h.port.waitForText(/^🎬 Rendering… 0%$/);
    await waitFor(async () => (await h.store.getChat(h.chatKey)).lastRenderId !== undefined, {
      deadline,
      what: 'the render id to be saved',
    });
    await h.send('/cancel');
    await exporting;
    await waitFor(() => h.emulator.requestsTo('render-cancel').length === 1, {
      deadline,
      what: 'the render to be cancelled on the backend',
    });
    expect([...h.emulator.renders.values()].map((r) => r.status)).toEqual(['cancelled']);
    expect(h.port.texts).toContain('⏹ Cancelled.');
    expect(h.port.videos).toHaveLength(0);
  });

  it('/cancel with nothing running says so', async () => {
    const h = await greeted();
    await h.send('/cancel');
    expect(h.port.sent).toEqual(['Nothing is running.']);
  });

  it('/new stops the work and starts a fresh project', async () => {
    const h = await greeted({ emulator: SLOW });
    const clip = await makeClip({ seconds: 1, width: 320, height: 240 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    const old = (await h.store.getChat(h.chatKey)).sessionId;
    h.emulator.holdEdits();
    const running = h.start('generate a video of a red fox');
    await h.port.waitForText(/^⏳ Working on it…$/);
    await h.send('/new');
    await running;
    expect(h.port.texts).toContain('⏹ Cancelled.');
    expect(h.port.sent).toContain('🆕 New project started. Send a clip or describe the video you want.');
    const fresh = (await h.store.getChat(h.chatKey)).sessionId;
    expect(fresh).not.toBe(old);
    await h.send('status');
    expect(h.port.sent.at(-1)).toMatch(/^The timeline is empty\./);
  });
});

describe('long jobs', () => {
  it('keeps one progress message alive with the elapsed time, and mentions the requester at the end', async () => {
    const h = await greeted({ emulator: SLOW, progressIntervalMs: 40 });
    // The edit streams until a "still working" update was shown, however fast or slow this machine is.
    h.emulator.holdEdits();
    const edit = h.start('generate a video of a red fox');
    await h.port.waitForText(/^⏳ Still working… \(\d+ s\)$/);
    h.emulator.releaseEdits();
    await edit;
    const working = h.port.calls.find((c) => c.type === 'send' && c.text === '⏳ Working on it…')!;
    const updates = h.port.calls.filter((c) => c.type === 'edit' && c.id === (working as { id: string }).id);
    expect(updates.some((c) => /^⏳ Still working… \(\d+ s\)$/.test((c as { text: string }).text))).toBe(
      true,
    );
    expect((updates.at(-1) as { text: string }).text).toMatch(/^✅ Done \(\d+ s\)\.$/);
    // Only one progress message was sent for the whole edit.
    expect(h.port.sent.filter((t) => t.startsWith('⏳'))).toHaveLength(1);
    const last = h.port.calls.findLast((c) => c.type === 'send');
    expect(last?.type === 'send' && last.options?.mention?.id).toBe('u1');
  });
});

describe('bugs', () => {
  it('a failing platform call is caught once, logged with the chat key, and the user gets an apology', async () => {
    h = await startHarness({
      port: { failOn: (call) => call.type === 'send' && call.text.startsWith('Credits:') },
    });
    await h.send('credits');
    expect(h.port.sent.at(-1)).toBe('Sorry — something went wrong on my side. Please try again.');
    const line = h.logLines.find((l) => l.includes('bug while handling a message'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!).chatKey).toBe(h.chatKey);
  });
});
