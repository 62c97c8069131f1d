/** The engine's HTTP server: nemo-api.md's routes on loopback, errors as the backend shapes them. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { anonymousToken, claimToken, createSession, credits, sessionState } from './api/accounts.js';
import { Reply, sendJson } from './api/http.js';
import { serveMedia } from './api/media.js';
import { cancelRender, downloadRender, pollRender, startRender } from './api/renders.js';
import { runSse } from './api/run-sse.js';
import { upload } from './api/uploads.js';
import type { EngineContext } from './engine.js';

type Handler = (
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) => void | Promise<void>;

const SEGMENT = '[^/]+';
const ROUTES: ReadonlyArray<{ methods: string[]; pattern: RegExp; handle: Handler }> = [
  { methods: ['POST'], pattern: /^\/api\/auth\/anonymous-token$/, handle: anonymousToken },
  { methods: ['POST'], pattern: /^\/api\/tasks\/me\/with-session\/nemo_agent$/, handle: createSession },
  { methods: ['POST'], pattern: /^\/run_sse$/, handle: runSse },
  {
    methods: ['POST'],
    pattern: new RegExp(`^/api/upload-video/nemo_agent/${SEGMENT}/(?<sid>${SEGMENT})$`),
    handle: upload,
  },
  { methods: ['GET'], pattern: /^\/api\/credits\/balance\/simple$/, handle: credits },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/api/state/nemo_agent/${SEGMENT}/(?<sid>${SEGMENT})/latest$`),
    handle: sessionState,
  },
  { methods: ['POST'], pattern: /^\/api\/render\/proxy\/lambda$/, handle: startRender },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/api/render/proxy/lambda/(?<id>${SEGMENT})$`),
    handle: pollRender,
  },
  {
    methods: ['POST'],
    pattern: new RegExp(`^/api/render/proxy/lambda/(?<id>${SEGMENT})/cancel$`),
    handle: cancelRender,
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/api/render/proxy/(?<id>${SEGMENT})/download$`),
    handle: downloadRender,
  },
  { methods: ['POST'], pattern: /^\/api\/auth\/claim-token$/, handle: claimToken },
  { methods: ['GET', 'HEAD'], pattern: new RegExp(`^/media/(?<name>${SEGMENT})$`), handle: serveMedia },
];

export function createEngineServer(ctx: EngineContext): Server {
  return createServer((req, res) => {
    void handle(ctx, req, res);
  });
}

async function handle(ctx: EngineContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  try {
    const route = ROUTES.find((r) => r.pattern.test(path));
    if (!route) throw new Reply(404, { detail: 'Not Found' });
    if (!route.methods.includes(req.method ?? '')) throw new Reply(405, { detail: 'Method Not Allowed' });
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(route.pattern.exec(path)?.groups ?? {})) {
      params[key] = decodeURIComponent(value);
    }
    await route.handle(ctx, req, res, params);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof Reply) {
      sendJson(res, error.status, error.body);
      return;
    }
    ctx.log.error({ err: error, path }, 'local engine: request failed');
    sendJson(res, 500, { detail: 'Internal Server Error' });
  }
}
