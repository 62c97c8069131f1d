/**
 * POST /run_sse: the agent, done by the grammar. Streams ADK-shaped events (`data: <json>\n\n`, no end
 * marker): a functionCall `edit_multitrack` with the operations understood, keep-alives while ffmpeg
 * analyses, the functionResponse, then the answer as text. The edits of one session run one at a time.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { visuals } from '../draft.js';
import { applyOperations } from '../edit/editor.js';
import { understand } from '../edit/grammar.js';
import { authenticate, type EngineContext, touch } from '../engine.js';
import { exclusive } from '../sessions.js';
import { languageFor, TEXTS } from '../texts.js';
import { detailError, missingField, readJsonObject } from './http.js';

const AUTHOR = 'nemo_agent';
const KEEP_ALIVE_MS = 10_000;

function messageText(message: unknown): string | undefined {
  const parts = (message as { parts?: unknown } | undefined)?.parts;
  if (!Array.isArray(parts)) return undefined;
  const texts = parts
    .map((p) => (p as { text?: unknown })?.text)
    .filter((t): t is string => typeof t === 'string');
  return texts.length > 0 ? texts.join('\n') : undefined;
}

export async function runSse(ctx: EngineContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const userId = authenticate(ctx, req);
  const body = await readJsonObject(req);
  const sessionId = body.session_id ?? body.sessionId;
  if (typeof sessionId !== 'string') throw missingField('session_id');
  const text = messageText(body.new_message ?? body.newMessage);
  if (text === undefined) throw missingField('new_message');
  const session = ctx.registry.owned(userId, sessionId);
  // ADK's own answer for an unknown session.
  if (!session) throw detailError(404, 'Session not found');
  touch(session);

  const invocationId = `e-${randomUUID()}`;
  const event = (role: 'model' | 'user', parts: unknown[]) => ({
    content: { role, parts },
    author: AUTHOR,
    invocationId,
    id: randomUUID().slice(0, 8),
    timestamp: Date.now() / 1000,
    actions: { stateDelta: {}, artifactDelta: {}, requestedAuthConfigs: {} },
  });
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  const send = (payload: unknown) => {
    if (!res.destroyed) res.write(`data: ${JSON.stringify(payload)}\n\n`);
  };
  const say = (words: string) => send(event('model', [{ text: words }]));

  const t = TEXTS[languageFor(text, session.language)];
  const understood = understand(text);
  try {
    if (understood.kind === 'needs-cloud') return say(t.needsCloud);
    if (understood.kind === 'help') return say(t.capabilities);
    if (understood.kind === 'unknown') return say(t.unknown);
    if (visuals(session.draft).length === 0) return say(t.nothingToEdit);

    const callId = `call_${randomUUID().slice(0, 8)}`;
    const args = { operations: understood.operations };
    send(event('model', [{ functionCall: { id: callId, name: 'edit_multitrack', args } }]));
    const keepAlive = setInterval(() => send({ type: 'heartbeat' }), KEEP_ALIVE_MS);
    let answer: string;
    try {
      // One change at a time per session: the next waits for this one's draft.
      const result = await exclusive(session, () =>
        applyOperations(session, understood.operations, t, ctx.lifetime),
      );
      answer = t.done(result.lines, result.lengthMs);
      send(
        event('user', [
          {
            functionResponse: {
              id: callId,
              name: 'edit_multitrack',
              response: { ok: true, timeline_ms: result.lengthMs },
            },
          },
        ]),
      );
    } catch (error) {
      ctx.log.warn({ err: error, sessionId }, 'local engine: edit failed');
      answer = t.failed;
      send(
        event('user', [
          { functionResponse: { id: callId, name: 'edit_multitrack', response: { ok: false } } },
        ]),
      );
    } finally {
      clearInterval(keepAlive);
    }
    say(answer);
  } finally {
    res.end();
  }
}
