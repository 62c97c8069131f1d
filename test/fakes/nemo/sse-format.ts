/** The two wire forms of an edit's events: Google ADK events and the older NemoVideo `{type}` events. */
import { randomUUID } from 'node:crypto';

export type AgentEvent =
  /** A thought: partial chunks first, then the whole thought again (with the next call, as ADK sends it). */
  | { kind: 'thought'; text: string; partial: boolean }
  /** A partial chunk (delta), or with partial false the whole text once more, as ADK streams it. */
  | { kind: 'text'; text: string; partial: boolean }
  /** A tool call; `thought` and `text` ride in the same event, before the call, when given. */
  | {
      kind: 'call';
      id: string;
      name: string;
      args: Record<string, unknown>;
      thought?: string;
      text?: string;
      longRunning?: boolean;
    }
  | { kind: 'result'; id: string; name: string; response: Record<string, unknown> }
  /** The model ended with no parts: ADK-JS non-streaming sends `errorCode: "STOP"`, streaming a bare finish. */
  | { kind: 'finish'; errorCodeStop: boolean }
  /** An event that carries nothing the client must read: `data: {}`. */
  | { kind: 'empty' }
  | { kind: 'error'; message: string };

const AUTHOR = 'nemo_agent';
const USAGE = { promptTokenCount: 1834, candidatesTokenCount: 57, totalTokenCount: 1891 };

interface AdkExtras {
  partial?: boolean;
  finishReason?: string;
  errorCode?: string;
  longRunningToolIds?: string[];
  usage?: boolean;
}

/** Every field ADK-JS 2.0 writes (captured from a real server); timestamps in whole milliseconds, as it sends. */
function adkEvent(
  invocationId: string,
  role: 'model' | 'user' | undefined,
  parts: unknown[],
  x: AdkExtras = {},
) {
  return {
    invocationId,
    author: AUTHOR,
    id: randomUUID().slice(0, 8),
    actions: { stateDelta: {}, artifactDelta: {}, requestedAuthConfigs: {}, requestedToolConfirmations: {} },
    longRunningToolIds: x.longRunningToolIds ?? [],
    timestamp: Date.now(),
    ...(role && { content: { role, parts } }),
    ...(x.usage !== false && role !== 'user' && { usageMetadata: USAGE }),
    ...(x.errorCode && { errorCode: x.errorCode }),
    ...(x.finishReason && { finishReason: x.finishReason }),
    ...(x.partial !== undefined && { partial: x.partial }),
  };
}

/** ADK form (ADK-JS and adk_web_server.py /run_sse); function responses carry role "user" as in ADK. */
export function toAdk(event: AgentEvent, invocationId: string): unknown {
  switch (event.kind) {
    case 'thought':
      return adkEvent(invocationId, 'model', [{ text: event.text, thought: true }], {
        partial: event.partial,
      });
    case 'text':
      return adkEvent(invocationId, 'model', [{ text: event.text }], {
        partial: event.partial,
        ...(!event.partial && { finishReason: 'STOP' }),
      });
    case 'call':
      return adkEvent(
        invocationId,
        'model',
        [
          ...(event.thought ? [{ text: event.thought, thought: true }] : []),
          ...(event.text ? [{ text: event.text }] : []),
          { functionCall: { id: event.id, name: event.name, args: event.args } },
        ],
        { partial: false, ...(event.longRunning && { longRunningToolIds: [event.id] }) },
      );
    case 'result':
      return adkEvent(invocationId, 'user', [
        { functionResponse: { id: event.id, name: event.name, response: event.response } },
      ]);
    case 'finish':
      return event.errorCodeStop
        ? adkEvent(invocationId, undefined, [], { errorCode: 'STOP', finishReason: 'STOP' })
        : adkEvent(invocationId, undefined, [], { finishReason: 'STOP', partial: false });
    case 'empty':
      return {};
    case 'error':
      return { error: event.message };
  }
}

/** Older form; it has no thoughts and no repeated final text (the chunks are the text). */
export function toLegacy(event: AgentEvent): unknown {
  switch (event.kind) {
    case 'thought':
    case 'finish':
    case 'empty':
      return undefined;
    case 'text':
      return event.partial ? { type: 'text', content: event.text } : undefined;
    case 'call':
      return { type: 'tool_call', id: event.id, name: event.name, args: event.args };
    case 'result':
      return { type: 'tool_result', id: event.id, name: event.name, result: event.response };
    case 'error':
      return { type: 'error', error: event.message };
  }
}
