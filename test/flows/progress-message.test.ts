import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type FlowContext, ProgressMessage } from '../../src/flows/context.js';
import type { ChatRef } from '../../src/messages.js';
import { RecordingPort } from '../support/recording-port.js';

const chat: ChatRef = { platform: 'test', chatId: 'p1' };

/** Just what ProgressMessage reads from a flow's context. */
function contextWith(port: RecordingPort): FlowContext {
  return {
    port,
    chat,
    message: { id: 'm1' },
    log: pino({ level: 'silent' }),
  } as unknown as FlowContext;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const edits = (port: RecordingPort) => port.calls.flatMap((c) => (c.type === 'edit' ? [c.text] : []));

describe('ProgressMessage', () => {
  it('never edits the message to the text it already shows', async () => {
    const port = new RecordingPort();
    const progress = await ProgressMessage.send(contextWith(port), 'Rendering… 0%');
    // Each update settles before the next, so none is merely replaced by a newer one.
    for (const text of ['Rendering… 0%', 'Rendering… 40%', 'Rendering… 40%']) {
      progress.update(text);
      await settle();
    }
    await progress.finish('Rendered.');
    expect(port.sent).toEqual(['Rendering… 0%']);
    expect(edits(port)).toEqual(['Rendering… 40%', 'Rendered.']);
  });

  it('keeps only the newest pending text while an edit is in flight, and the final text last', async () => {
    const port = new RecordingPort();
    const progress = await ProgressMessage.send(contextWith(port), 'start');
    for (const n of [1, 2, 3, 4]) progress.update(`step ${n}`);
    await progress.finish('done');
    const shown = edits(port);
    expect(shown.at(-1)).toBe('done');
    expect(shown).not.toContain('step 2');
    expect(shown).not.toContain('step 3');
  });
});
