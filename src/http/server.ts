import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { sendJson } from './json.js';
import { type HealthCheck, healthzHandler, metricsHandler } from './ops-routes.js';

/** A request handler; a returned promise is awaited, so its rejection is caught like a throw. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface HttpServerOptions {
  /** 0 picks a free port; the returned `port` is the one bound. */
  port: number;
  /** Interface to bind; all interfaces when omitted (a container publishes the port). */
  host?: string;
  log: Logger;
  metrics: Pick<Metrics, 'registry'>;
  health: HealthCheck;
  /** How long `close()` lets in-flight requests finish before cutting their sockets. */
  closeGraceMs?: number;
}

export interface HttpServer {
  port: number;
  /** Mounts a handler on an exact path (the query string is ignored). A second handler for the same route is a bug. */
  route(method: string, path: string, handler: RouteHandler): void;
  /** Stops accepting, drops idle keep-alive sockets, waits for in-flight requests up to `closeGraceMs`. */
  close(): Promise<void>;
}

/** One HTTP server for `/healthz`, `/metrics` and whatever the adapters mount (the Telegram webhook). */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { log } = options;
  const routes = new Map<string, Map<string, RouteHandler>>();

  const route = (method: string, path: string, handler: RouteHandler) => {
    const byMethod = routes.get(path) ?? new Map<string, RouteHandler>();
    const verb = method.toUpperCase();
    if (byMethod.has(verb)) throw new Error(`route ${verb} ${path} is already mounted`);
    byMethod.set(verb, handler);
    routes.set(path, byMethod);
  };
  route('GET', '/healthz', healthzHandler(options.health, log));
  route('GET', '/metrics', metricsHandler(options.metrics.registry));

  const dispatch = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const byMethod = routes.get(path);
    if (!byMethod) return sendJson(res, 404, { error: 'not found' });
    // Node already omits the body of a HEAD response, so a GET handler answers HEAD too.
    const handler = byMethod.get(req.method === 'HEAD' ? 'GET' : (req.method ?? ''));
    if (!handler) {
      res.setHeader('Allow', [...byMethod.keys()].join(', '));
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    await handler(req, res);
  };

  // Responses still open; on close() those not yet answered get `Connection: close`, so their sockets end with them.
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;

  const server = createServer((req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    const path = (req.url ?? '/').split('?')[0] || '/';
    dispatch(req, res, path).catch((err: unknown) => {
      // The one place a handler's bug is caught: answer 500 and keep serving.
      log.error({ err, method: req.method, path }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  // Longer than a load balancer's usual 60 s idle timeout, so the proxy, not the bot, closes idle sockets.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'http server error'));
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'http server listening');

  const close = () => {
    closing ??= new Promise<void>((resolve, reject) => {
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const cutoff = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 5_000);
      cutoff.unref();
      server.close((err) => {
        clearTimeout(cutoff);
        if (err) reject(err);
        else resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return { port, route, close };
}
