/**
 * The conformance cases, run against a real ADK API server in each mode: streaming, non-streaming (the gateway
 * sends `streaming: false`), and progressive streaming (a server with ADK_ENABLE_PROGRESSIVE_SSE_STREAMING=1).
 * Each case scripts the model, sends one message through the bot and checks what the chat received.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { textsFor } from '../../src/texts.js';
import { type ChatUnderTest, type Conformance, startConformance } from './harness.js';

export type Mode = 'streaming' | 'non-streaming' | 'progressive';

const t = textsFor('en');
const DONE = /^✅ Done/;

/** Every message sent after the edit's progress message: the agent's words and the bot's closing lines. */
function agentTexts(chat: ChatUnderTest): string[] {
  const sent = chat.port.sent;
  return sent.slice(sent.indexOf(t.working) + 1);
}

/** The progress message as it ended. */
function progressText(chat: ChatUnderTest): string {
  const call = chat.port.calls.find((c) => c.type === 'send' && c.text === t.working);
  return call && call.type === 'send' ? (chat.port.messages.get(call.id) ?? '') : '';
}

function occurrences(texts: string[], needle: string): number {
  return texts.join('\n').split(needle).length - 1;
}

export function conformanceSuite(
  modes: Mode[],
  options: { progressive: boolean; silentTool: boolean },
): void {
  let c: Conformance;
  beforeAll(async () => {
    c = await startConformance({ progressive: options.progressive });
  }, 60_000);
  afterAll(async () => {
    await c?.close();
  });

  for (const mode of modes) {
    describe(`${mode} (real ADK API server, @google/adk 2.0.0)`, () => {
      let chat: ChatUnderTest;
      beforeEach(async () => {
        c.gateway.forceStreaming = mode === 'non-streaming' ? false : undefined;
        chat = await c.bot();
        return () => chat.close();
      });
      const script = (message: string, turns: Parameters<typeof c.gemini.scenarios.set>[1]) => {
        const unique = `${message} [${mode} ${Math.random().toString(36).slice(2, 8)}]`;
        c.gemini.scenarios.set(unique, turns);
        return unique;
      };

      it('asks for streaming in the documented snake_case request, and ADK streams partial text', async () => {
        const message = script('add a warm color grade', [
          [
            { parts: [{ text: 'Looking at the ', thought: true }] },
            { parts: [{ text: 'colors first.', thought: true }] },
            { parts: [{ functionCall: { name: 'edit_multitrack', args: { action: 'apply_filter' } } }] },
          ],
          [
            { parts: [{ text: 'Added a warm ' }] },
            { parts: [{ text: 'color grade.' }], finishReason: 'STOP' },
          ],
        ]);
        const before = c.gateway.relayed.length;
        await chat.send(message);
        const request = c.gateway.runRequests.at(-1)!;
        expect(request).toMatchObject({ app_name: 'nemo_agent', user_id: 'me', streaming: true });
        expect(request['new_message']).toEqual({ parts: [{ text: message }] });
        const events = c.gateway.relayed.slice(before);
        expect(events.some((e) => e.includes('"partial":true'))).toBe(mode !== 'non-streaming');
        // Thoughts never reach the chat; the reply does, once.
        expect(agentTexts(chat)).toEqual(['Added a warm color grade.']);
        expect(progressText(chat)).toMatch(DONE);
        expect(c.gemini.toolCalls.some((args) => args['action'] === 'apply_filter')).toBe(true);
      });

      it('shows text written around a tool call once, in order', async () => {
        const message = script('grade it warm then add music', [
          [
            { parts: [{ text: 'First the warm ' }] },
            { parts: [{ text: 'grade. ' }] },
            { parts: [{ functionCall: { name: 'edit_multitrack', args: { action: 'apply_filter' } } }] },
            { parts: [{ text: 'Then the music.' }], finishReason: 'STOP' },
          ],
          [{ parts: [{ text: 'All set.' }], finishReason: 'STOP' }],
        ]);
        await chat.send(message);
        const said = agentTexts(chat);
        for (const sentence of ['First the warm grade.', 'Then the music.']) {
          expect(occurrences(said, sentence), `"${sentence}" in ${JSON.stringify(said)}`).toBe(1);
        }
        const joined = said.join(' ');
        expect(joined.indexOf('First')).toBeLessThan(joined.indexOf('Then'));
        // Plain streaming ends the run on the text after the call; the other modes ask the model once more.
        if (mode === 'streaming') expect(occurrences(said, 'All set.')).toBe(0);
        else {
          expect(occurrences(said, 'All set.')).toBe(1);
          expect(joined.indexOf('Then')).toBeLessThan(joined.indexOf('All set'));
        }
        expect(progressText(chat)).toMatch(DONE);
      });

      it('an edit with no text at all is a clean finish: the chat hears what changed', async () => {
        const message = script('put a title on it', [
          [
            {
              parts: [
                {
                  functionCall: {
                    name: 'edit_multitrack',
                    args: { action: 'add_text', text: 'Urban Dreams' },
                  },
                },
              ],
              finishReason: 'STOP',
            },
          ],
          // The model ends with no parts: non-streaming ADK-JS reports it as errorCode "STOP".
          [{ parts: [], finishReason: 'STOP' }],
        ]);
        await chat.send(message);
        const said = agentTexts(chat);
        expect(said).toHaveLength(1);
        expect(said[0]).toMatch(/^Here's what changed:/);
        expect(said[0]).toContain('Urban Dreams');
        expect(said.join('\n')).not.toContain(t.editServiceError);
        expect(progressText(chat)).toMatch(DONE);
      });

      it('a model error mid-stream is told, with the partial text marked unfinished, never "Done"', async () => {
        const message = script('warm grade that breaks', [
          [
            { parts: [{ text: 'Added a warm ' }] },
            { parts: [{ text: 'color grade to' }] },
            {
              error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' },
              // Sent once ADK has passed the text on, so the model's text and its failure arrive apart.
              before: () => c.gateway.relayedText('color grade to'),
            },
          ],
        ]);
        await chat.send(message);
        const said = agentTexts(chat);
        if (mode === 'non-streaming') {
          // One call, one answer: the error, with no text before it.
          expect(said).toHaveLength(1);
        } else {
          expect(said[0]).toBe(t.unfinishedText('Added a warm color grade to'));
        }
        expect(said.at(-1)).toContain(t.editServiceError);
        expect(progressText(chat)).not.toMatch(DONE);
        expect(progressText(chat)).toMatch(/^⚠️/);
      });

      it('a model that stops for a non-benign reason after some text is an unfinished answer', async () => {
        const message = script('warm grade that is cut short', [
          [
            { parts: [{ text: 'Added a warm ' }] },
            { parts: [{ text: 'color grade to' }] },
            { parts: [], finishReason: 'SAFETY' },
          ],
        ]);
        await chat.send(message);
        const said = agentTexts(chat);
        expect(said[0]).toBe(t.unfinishedText('Added a warm color grade to'));
        expect(said.at(-1)).toContain(t.editServiceError);
        expect(progressText(chat)).not.toMatch(DONE);
      });

      it('a tool error reaches the chat as the agent words it, never as the raw error', async () => {
        c.gemini.toolBehaviours.set('fail', { fail: 'render farm down' });
        const message = script('grade it on a broken farm', [
          [
            {
              parts: [{ functionCall: { name: 'edit_multitrack', args: { action: 'fail' } } }],
              finishReason: 'STOP',
            },
          ],
          [{ parts: [{ text: 'Sorry, the grade could not be applied.' }], finishReason: 'STOP' }],
        ]);
        await chat.send(message);
        const said = agentTexts(chat);
        expect(occurrences(said, 'Sorry, the grade could not be applied.')).toBe(1);
        expect(said.join('\n')).not.toMatch(/render farm|Error in tool/);
        expect(progressText(chat)).toMatch(DONE);
      });

      it('a quota error from the model says the service is busy', async () => {
        const message = script('grade it while over quota', [
          {
            status: 429,
            error: {
              code: 429,
              message: 'Resource has been exhausted (e.g. check quota).',
              status: 'RESOURCE_EXHAUSTED',
            },
          },
        ]);
        await chat.send(message);
        const said = agentTexts(chat);
        expect(said).toHaveLength(1);
        expect(said[0]).toContain(t.busy);
        expect(said[0]).not.toMatch(/exhausted|quota|429/i);
        expect(progressText(chat)).not.toMatch(DONE);
      });
    });
  }

  describe.runIf(options.silentTool)('a long silent tool', () => {
    it('silence longer than the HTTP client’s body timeout does not drop the stream', async () => {
      const { Agent, request } = await import('undici');
      // Stands in for undici's default 300 s body timeout, which a generation of 100-300 s meets.
      const bodyTimeoutMs = 300;
      const dispatcher = new Agent({ bodyTimeout: bodyTimeoutMs });
      let release!: () => void;
      c.gemini.toolBehaviours.set('slow_render', { hold: new Promise<void>((r) => (release = r)) });
      c.gateway.forceStreaming = undefined;
      const message = `render slowly [${Math.random().toString(36).slice(2, 8)}]`;
      c.gemini.scenarios.set(message, [
        [
          {
            parts: [{ functionCall: { name: 'edit_multitrack', args: { action: 'slow_render' } } }],
            finishReason: 'STOP',
          },
        ],
        [{ parts: [{ text: 'Rendered the slow part.' }], finishReason: 'STOP' }],
      ]);
      const chat = await c.bot({ dispatcher });
      try {
        const sent = chat.send(message);
        await c.gemini.toolCalled('slow_render');
        // Proof that the silence outlasted the body timeout: a request opened now, through the same client
        // settings, to a server that says nothing, hits that timeout first.
        const silent = await import('node:http').then(({ createServer }) =>
          createServer((_req, res) => res.writeHead(200).flushHeaders()),
        );
        await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
        const probe = await request(`http://127.0.0.1:${(silent.address() as { port: number }).port}`, {
          dispatcher,
        });
        await expect(probe.body.text()).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
        silent.closeAllConnections();
        silent.close();
        release();
        await sent;
        expect(agentTexts(chat)).toEqual(['Rendered the slow part.']);
        expect(chat.port.texts.join('\n')).not.toContain(t.partialEdit);
        expect(progressText(chat)).toMatch(DONE);
      } finally {
        release();
        await chat.close();
        await dispatcher.close();
      }
    });

    it('a tool silent past the stream’s own cap ends with the timeout message, not "connection dropped"', async () => {
      let release!: () => void;
      c.gemini.toolBehaviours.set('endless_render', { hold: new Promise<void>((r) => (release = r)) });
      c.gateway.forceStreaming = undefined;
      const message = `render forever [${Math.random().toString(36).slice(2, 8)}]`;
      c.gemini.scenarios.set(message, [
        [
          {
            parts: [{ functionCall: { name: 'edit_multitrack', args: { action: 'endless_render' } } }],
            finishReason: 'STOP',
          },
        ],
      ]);
      // The cap stands in for the documented 15 minutes.
      const capMs = 400;
      const chat = await c.bot({ editMaxDurationMs: capMs });
      try {
        await chat.send(message);
        const said = agentTexts(chat);
        expect(said.at(-1)).toContain(t.editTimedOut(capMs));
        expect(chat.port.texts.join('\n')).not.toContain(t.partialEdit);
        expect(progressText(chat)).not.toMatch(DONE);
      } finally {
        release();
        await chat.close();
      }
    });
  });
}
