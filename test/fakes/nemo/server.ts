import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RequestContext, Route } from './context.js';
import { playFault } from './faults.js';
import { ApiReply, flattenHeaders, type JsonBody, readJsonBody, sendJson } from './http.js';
import { ROUTES } from './routes.js';
import type { EmulatorState } from './state.js';

const LINGER_MS = 1000;

function match(method: string, pathname: string) {
  let pathKnown = false;
  for (const route of ROUTES) {
    const found = route.pattern.exec(pathname);
    if (!found) continue;
    pathKnown = true;
    if (route.methods.includes(method)) {
      const params = Object.fromEntries(
        Object.entries(found.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
      );
      return { route, params };
    }
  }
  return pathKnown ? 'method-not-allowed' : 'not-found';
}

/**
 * For answers given before the request body was read (4001 by name, 4002): the request stays paused, so the
 * client's writes stall while it reads the answer. A moment later the socket is destroyed if the
 * body is still unread (it cannot carry another request); a body that had fully arrived leaves a
 * healthy keep-alive socket. Not `Connection: close`: Node would destroy the socket at once, and
 * the client would see a reset (EPIPE) instead of the answer.
 */
function closeAfterAnswer(res: ServerResponse): void {
  const { socket, req } = res;
  res.once('finish', () =>
    setTimeout(() => {
      if (!req.complete) socket?.destroy();
    }, LINGER_MS).unref(),
  );
}

function sendFailure(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    // A stream already under way cannot change its status: cut it, as a crashing backend would.
    res.destroy();
    return;
  }
  if (error instanceof ApiReply) {
    if (error.closeConnection) closeAfterAnswer(res);
    sendJson(res, error.status, error.body);
    return;
  }
  if ((error as Error)?.name === 'AbortError') {
    res.destroy(); // the emulator is closing
    return;
  }
  console.error('nemo emulator bug:', error);
  sendJson(res, 500, { detail: 'Internal emulator error' });
}

async function dispatch(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const found = match(req.method ?? 'GET', url.pathname);
  if (found === 'not-found') return sendJson(res, 404, { detail: 'Not Found' });
  if (found === 'method-not-allowed') return sendJson(res, 405, { detail: 'Method Not Allowed' });
  const { route, params } = found as { route: Route; params: Record<string, string> };

  const record = {
    endpoint: route.endpoint,
    method: req.method ?? 'GET',
    path: url.pathname + url.search,
    headers: flattenHeaders(req),
    at: Date.now(),
  } as RequestContext['record'];
  state.requests.push(record);
  let body: JsonBody = { ok: true, value: undefined };
  if (route.readsJson) {
    body = await readJsonBody(req);
    if (body.ok && body.value !== undefined) record.body = body.value;
  }
  const ctx: RequestContext = { state, req, res, route, params, record, body };
  const fault = state.faults.take(route.endpoint);
  if (fault) {
    if (await playFault(fault, ctx)) return;
    ctx.dropAfterEvents = fault.dropAfterEvents;
  }
  await route.handle(ctx);
}

export function createEmulatorServer(state: EmulatorState): Server {
  return createServer((req, res) => {
    dispatch(state, req, res).catch((error: unknown) => sendFailure(res, error));
  });
}
