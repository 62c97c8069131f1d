import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonBody } from './http.js';
import type { EmulatorState } from './state.js';
import type { EndpointKey, RecordedRequest } from './types.js';

export interface Route {
  methods: readonly string[];
  /** Named groups become `ctx.params`. */
  pattern: RegExp;
  endpoint: EndpointKey;
  /** Small JSON body read before faults play, so recorded requests show it even when a fault answers. */
  readsJson: boolean;
  handle(ctx: RequestContext): Promise<void> | void;
}

export interface RequestContext {
  state: EmulatorState;
  req: IncomingMessage;
  res: ServerResponse;
  route: Route;
  params: Record<string, string>;
  record: RecordedRequest;
  body: JsonBody;
  /** Set by a run-sse fault: destroy the socket after this many content events. */
  dropAfterEvents?: number;
}
