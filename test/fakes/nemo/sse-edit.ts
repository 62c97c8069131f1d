import { randomUUID } from 'node:crypto';
import { authenticate } from './auth.js';
import type { RequestContext } from './context.js';
import { freezeCredits, spendFrozen } from './credits.js';
import { chunkText, type EditPlan, planEdit, TEMPORARY_ISSUE_TEXT } from './edit-script.js';
import { detailError, envelopeError, missingField, requireObject } from './http.js';
import { registerGeneratedClip } from './renders.js';
import { type AgentEvent, toAdk, toLegacy } from './sse-format.js';
import { SseStream } from './sse-stream.js';
import type { EmulatedSession } from './types.js';

/** ADK accepts snake_case and camelCase keys alike. */
function pick(body: Record<string, unknown>, snake: string, camel: string): unknown {
  return body[snake] ?? body[camel];
}

function messageText(newMessage: unknown): string | undefined {
  const parts = (newMessage as { parts?: unknown } | undefined)?.parts;
  if (!Array.isArray(parts)) return undefined;
  const texts = parts
    .map((p) => (p as { text?: unknown })?.text)
    .filter((t): t is string => typeof t === 'string');
  return texts.length ? texts.join('\n') : undefined;
}

/** POST /run_sse: checks, charges, then streams the agent's work while changing the draft. */
export async function runSse(ctx: RequestContext): Promise<void> {
  const { state } = ctx;
  const account = authenticate(ctx);
  const body = requireObject(ctx.body);
  const sessionId = pick(body, 'session_id', 'sessionId');
  if (typeof sessionId !== 'string') throw missingField('session_id');
  const text = messageText(pick(body, 'new_message', 'newMessage'));
  if (text === undefined) throw missingField('new_message');
  const session = state.sessions.get(sessionId);
  // ADK's own answer for an unknown session; the envelope 1002 is what the other endpoints say.
  if (!session) throw detailError(404, 'Session not found');
  if (session.userId !== account.userId) throw envelopeError(1002);

  const plan = planEdit(text, session, state.options, (id) => registerGeneratedClip(state, id));
  const cost = plan.generation ? state.options.generateCost : state.options.editCost;
  freezeCredits(account, cost);
  session.messages.push({ text, at: Date.now() });
  const withText = plan.steps.length === 0 || state.random() >= state.options.noTextRatio;

  const stream = new SseStream(ctx.res, state.lifetime.signal, ctx.dropAfterEvents);
  const streams = state.streamsBySession.get(sessionId) ?? { open: 0, most: 0 };
  state.streamsBySession.set(sessionId, streams);
  streams.open += 1;
  streams.most = Math.max(streams.most, streams.open);
  stream.open();
  try {
    await streamPlan(ctx, stream, plan, session, withText);
  } finally {
    streams.open -= 1;
    spendFrozen(account, cost);
    stream.end();
  }
}

async function streamPlan(
  ctx: RequestContext,
  stream: SseStream,
  plan: EditPlan,
  session: EmulatedSession,
  withText: boolean,
): Promise<void> {
  const { options, lifetime, editGate } = ctx.state;
  const invocationId = `e-${randomUUID()}`;
  const emit = (event: AgentEvent) =>
    stream.send(options.sseStyle === 'legacy' ? toLegacy(event) : toAdk(event, invocationId));

  // The thought streams in chunks; the whole of it rides with the first call, or stands alone without one.
  const half = Math.ceil(plan.thought.length / 2);
  emit({ kind: 'thought', text: plan.thought.slice(0, half), partial: true });
  emit({ kind: 'thought', text: plan.thought.slice(half), partial: true });
  emit({ kind: 'empty' });
  if (plan.steps.length === 0) emit({ kind: 'thought', text: plan.thought, partial: false });
  // A test holding the gate keeps the edit "thinking" here, charged but with no change made yet.
  if (editGate.held) await stream.keepAliveUntil(editGate.passed(), options.heartbeatMs, lifetime.signal);
  await stream.pause(options.editDelayMs);
  for (const [index, step] of plan.steps.entries()) {
    // The backend finishes the job even when the client leaves; only closing the emulator stops it.
    if (lifetime.signal.aborted) return;
    emit({
      kind: 'call',
      id: step.id,
      name: step.name,
      args: step.args,
      longRunning: step.name === 'generate_video_with_seedance',
      ...(index === 0 && { thought: plan.thought }),
      ...(index === 0 && plan.leadIn && { text: plan.leadIn }),
    });
    await stream.work(step.workMs, options.heartbeatMs);
    step.apply(session);
    emit({ kind: 'result', id: step.id, name: step.name, response: step.response });
    // ADK's model call after a tool may end with no parts: a bare finish event.
    if (index === 0) emit({ kind: 'finish', errorCodeStop: false });
    await stream.pause(options.editDelayMs);
  }
  if (plan.streamError) {
    emit({ kind: 'error', message: plan.streamError });
    return;
  }
  if (!withText) {
    stream.keepAlive();
    // How ADK-JS reports a last model call with no parts when not streaming: errorCode "STOP", no message.
    emit({ kind: 'finish', errorCodeStop: true });
    return;
  }
  for (const chunk of chunkText(plan.reply)) {
    emit({ kind: 'text', text: chunk, partial: true });
    await stream.pause(options.editDelayMs);
  }
  emit({ kind: 'text', text: plan.reply, partial: false });
  if (plan.trailingNoise) {
    await stream.pause(options.editDelayMs);
    emit({ kind: 'text', text: TEMPORARY_ISSUE_TEXT, partial: true });
    emit({ kind: 'text', text: TEMPORARY_ISSUE_TEXT, partial: false });
  }
}
