/**
 * One SSE `data:` payload → the NemoEvents it holds. Two styles exist: Google ADK events (what `/run_sse`
 * mirrors) and an older NemoVideo style with a `type` field. Payloads neither style explains yield nothing.
 */
import { type AdkEvent, adkEvent, describeIssue, type LegacyEvent, legacyEvent } from './schemas.js';
import type { NemoEvent } from './types.js';

export type EventMapping = { ok: true; events: NemoEvent[] } | { ok: false; reason: string };

function errorText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return undefined;
}

/**
 * Finish reasons that mean "the model ended normally". ADK-JS reports a non-streaming answer with no parts as
 * `errorCode: "STOP"` and no message: that is a clean finish, not a failure.
 */
const BENIGN_FINISH = new Set(['STOP', 'FINISH_REASON_UNSPECIFIED']);

function isBenignFinish(code: string | number): boolean {
  return BENIGN_FINISH.has(String(code).toUpperCase());
}

/** The failure an ADK event reports, if any: `error`, a non-benign `errorCode`, or a non-benign finish. */
function adkFailure(e: AdkEvent): NemoEvent | undefined {
  const failure = errorText(e.error);
  if (failure !== undefined) return { type: 'error', message: failure };
  const code = e.error_code ?? undefined;
  if (code !== undefined && !isBenignFinish(code)) {
    return { type: 'error', message: e.error_message ?? String(code), code: String(code) };
  }
  if (code === undefined && e.error_message != null) return { type: 'error', message: e.error_message };
  // Non-streaming ADK keeps the text of a turn that ended abnormally (SAFETY, MAX_TOKENS…) with no errorCode.
  const finish = e.finish_reason ?? undefined;
  if (code === undefined && finish !== undefined && !isBenignFinish(finish)) {
    return { type: 'error', message: finish, code: finish };
  }
  return undefined;
}

/**
 * Parts in order; neighbouring text parts of one kind are joined, since ADK splits one reply into several parts
 * (a non-streaming answer keeps the model's chunks as parts). Text parted by a tool call stays apart.
 */
function fromAdk(e: AdkEvent): NemoEvent[] {
  const events: NemoEvent[] = [];
  const failure = adkFailure(e);
  if (failure) events.push(failure);
  let run: { text: string; thought: boolean } | undefined;
  const endRun = () => {
    if (run && run.text !== '') {
      events.push(
        run.thought
          ? { type: 'thought', text: run.text }
          : { type: 'text', text: run.text, partial: !!e.partial },
      );
    }
    run = undefined;
  };
  for (const part of e.content?.parts ?? []) {
    if (typeof part.text === 'string') {
      const thought = !!part.thought;
      if (run && run.thought !== thought) endRun();
      run ??= { text: '', thought };
      run.text += part.text;
    }
    if (part.function_call) {
      endRun();
      const { id, name, args } = part.function_call;
      events.push({ type: 'tool_call', ...(id != null && { id }), name, args: args ?? {} });
    }
    if (part.function_response) {
      endRun();
      const { id, name, response } = part.function_response;
      events.push({ type: 'tool_result', ...(id != null && { id }), name, response: response ?? null });
    }
  }
  endRun();
  if (e.turn_complete) events.push({ type: 'turn_complete' });
  return events;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string');
}

function fromLegacy(e: LegacyEvent): NemoEvent[] | undefined {
  const id = e.id ?? undefined;
  const name = firstString(e.name, e.tool, e.tool_name) ?? 'unknown';
  switch (e.type.toLowerCase()) {
    case 'text':
    case 'message': {
      const text = firstString(e.content, e.text, e.delta);
      if (text === undefined) return undefined;
      return text === '' ? [] : [{ type: 'text', text, partial: e.partial ?? false }];
    }
    case 'thought':
    case 'thinking': {
      const text = firstString(e.content, e.text);
      return text ? [{ type: 'thought', text }] : [];
    }
    case 'tool_call':
    case 'function_call':
      return [{ type: 'tool_call', ...(id && { id }), name, args: e.args ?? e.arguments ?? e.input ?? {} }];
    case 'tool_result':
    case 'function_response':
      return [
        {
          type: 'tool_result',
          ...(id && { id }),
          name,
          response: e.result ?? e.response ?? e.output ?? e.content ?? null,
        },
      ];
    case 'heartbeat':
    case 'ping':
    case 'keepalive':
      return [{ type: 'heartbeat' }];
    case 'error':
      return [
        {
          type: 'error',
          message: errorText(e.message) ?? errorText(e.error) ?? firstString(e.content) ?? 'error',
          ...(e.code != null && { code: String(e.code) }),
        },
      ];
    case 'done':
    case 'end':
    case 'turn_complete':
      return [{ type: 'turn_complete' }];
    default:
      return undefined;
  }
}

/** Maps one parsed JSON payload. `ok: false` carries a short reason for a debug log. */
export function mapEventPayload(payload: unknown): EventMapping {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, reason: 'not an object' };
  }
  const record = payload as Record<string, unknown>;
  // ADK events have no `type`; a legacy event does, and its `content` (if any) is not an ADK `{parts}`.
  const content = record['content'];
  const adkContent = typeof content === 'object' && content !== null && 'parts' in content;
  if (typeof record['type'] === 'string' && !adkContent) return mapLegacy(record);
  const adk = adkEvent.safeParse(payload);
  if (!adk.success) return { ok: false, reason: describeIssue(adk.error) };
  return { ok: true, events: fromAdk(adk.data) };
}

function mapLegacy(record: Record<string, unknown>): EventMapping {
  const legacy = legacyEvent.safeParse(record);
  if (!legacy.success) return { ok: false, reason: describeIssue(legacy.error) };
  const events = fromLegacy(legacy.data);
  return events
    ? { ok: true, events }
    : { ok: false, reason: `unknown event type "${legacy.data.type.slice(0, 40)}"` };
}
