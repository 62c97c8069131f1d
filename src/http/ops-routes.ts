import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { sendJson } from './json.js';

export interface HealthReport {
  ok: boolean;
  /** One entry per dependency: `true`, `false`, or a short reason such as `'in-memory store'`. */
  checks: Record<string, boolean | string>;
}

export type HealthCheck = () => Promise<HealthReport>;

/** `GET /healthz`: 200 when healthy, 503 otherwise, with the checks as JSON so an operator sees which one failed. */
export function healthzHandler(health: HealthCheck, log: Logger) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    let report: HealthReport;
    try {
      report = await health();
    } catch (err) {
      // A check that throws is a failed check, not a crashed probe.
      log.warn({ err }, 'health check threw');
      report = { ok: false, checks: { health: 'check failed' } };
    }
    sendJson(res, report.ok ? 200 : 503, report);
  };
}

/** `GET /metrics`: Prometheus text exposition, with the content type the registry declares. */
export function metricsHandler(registry: Registry) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    const body = await registry.metrics();
    res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  };
}
