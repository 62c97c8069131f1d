/** The two wire forms of an edit's events: Google ADK events and the older NemoVideo `{type}` events. */
import { randomUUID } from 'node:crypto';

export type AgentEvent =
  | { kind: 'thought'; text: string }
  /** A partial chunk (delta), or with partial false the whole text once more, as ADK streams it. */
  | { kind: 'text'; text: string; partial: boolean }
  | { kind: 'call'; id: string; name: string; args: Record<string, unknown> }
  | { kind: 'result'; id: string; name: string; response: Record<string, unknown> }
  | { kind: 'error'; message: string };

const AUTHOR = 'nemo_agent';

function adkEvent(invocationId: string, role: 'model' | 'user', parts: unknown[], partial?: boolean) {
  return {
    content: { role, parts },
    ...(partial ? { partial: true } : {}),
    author: AUTHOR,
    invocationId,
    id: randomUUID().slice(0, 8),
    timestamp: Date.now() / 1000,
    actions: { stateDelta: {}, artifactDelta: {}, requestedAuthConfigs: {} },
  };
}

/** ADK form (adk_web_server.py /run_sse); function responses carry role "user" as in ADK. */
export function toAdk(event: AgentEvent, invocationId: string): unknown {
  switch (event.kind) {
    case 'thought':
      return adkEvent(invocationId, 'model', [{ thought: true, text: event.text }]);
    case 'text':
      return adkEvent(invocationId, 'model', [{ text: event.text }], event.partial);
    case 'call':
      return adkEvent(invocationId, 'model', [
        { functionCall: { id: event.id, name: event.name, args: event.args } },
      ]);
    case 'result':
      return adkEvent(invocationId, 'user', [
        { functionResponse: { id: event.id, name: event.name, response: event.response } },
      ]);
    case 'error':
      return { error: event.message };
  }
}

/** Older form; it has no thoughts and no repeated final text (the chunks are the text). */
export function toLegacy(event: AgentEvent): unknown {
  switch (event.kind) {
    case 'thought':
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
