/** ADK event payloads as the real ADK-JS 2.0 API server writes them (captured from test/conformance runs). */
import { describe, expect, it } from 'vitest';
import { mapEventPayload } from '../../src/nemo/events.js';

const base = {
  invocationId: 'e-1',
  author: 'nemo_agent',
  id: 'X3ClAu7E',
  actions: { stateDelta: {}, artifactDelta: {}, requestedAuthConfigs: {}, requestedToolConfirmations: {} },
  longRunningToolIds: [],
  timestamp: 1796231422672,
  usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
};
const events = (payload: object) => {
  const mapped = mapEventPayload({ ...base, ...payload });
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.events;
};

describe('ADK events', () => {
  it('a non-streaming finish with no parts (errorCode "STOP", no message) is a clean finish', () => {
    expect(events({ errorCode: 'STOP', finishReason: 'STOP' })).toEqual([]);
    expect(events({ finishReason: 'STOP', partial: false })).toEqual([]);
  });

  it('a non-benign errorCode is an error, with its message when there is one', () => {
    expect(
      events({ errorCode: '429', errorMessage: 'Resource has been exhausted (e.g. check quota).' }),
    ).toEqual([{ type: 'error', code: '429', message: 'Resource has been exhausted (e.g. check quota).' }]);
    expect(events({ errorCode: 'MALFORMED_FUNCTION_CALL', finishReason: 'MALFORMED_FUNCTION_CALL' })).toEqual(
      [{ type: 'error', code: 'MALFORMED_FUNCTION_CALL', message: 'MALFORMED_FUNCTION_CALL' }],
    );
  });

  it('text kept from a turn that ended abnormally comes with an error (non-streaming ADK sets no errorCode)', () => {
    expect(
      events({
        content: { role: 'model', parts: [{ text: 'Added a ' }, { text: 'warm' }] },
        finishReason: 'SAFETY',
      }),
    ).toEqual([
      { type: 'error', code: 'SAFETY', message: 'SAFETY' },
      { type: 'text', text: 'Added a warm', partial: false },
    ]);
  });

  it('joins neighbouring parts of one kind and keeps text apart around a call, in order', () => {
    expect(
      events({
        content: {
          role: 'model',
          parts: [
            { text: 'Thinking', thought: true },
            { text: ' hard.', thought: true },
            { text: 'First the warm ' },
            { text: 'grade. ' },
            { functionCall: { name: 'edit_multitrack', args: { action: 'apply_filter' }, id: 'adk-1' } },
            { text: 'Then the music.' },
          ],
        },
        finishReason: 'STOP',
        partial: false,
      }),
    ).toEqual([
      { type: 'thought', text: 'Thinking hard.' },
      { type: 'text', text: 'First the warm grade. ', partial: false },
      { type: 'tool_call', id: 'adk-1', name: 'edit_multitrack', args: { action: 'apply_filter' } },
      { type: 'text', text: 'Then the music.', partial: false },
    ]);
  });

  it('`{error}` (ADK’s failure after the stream began) and `{}` map to an error and to nothing', () => {
    expect(mapEventPayload({ error: 'boom' })).toEqual({
      ok: true,
      events: [{ type: 'error', message: 'boom' }],
    });
    expect(mapEventPayload({})).toEqual({ ok: true, events: [] });
  });
});
