import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric name starts with this, so a shared Prometheus can tell the bot's series apart. */
export const METRIC_PREFIX = 'nemo_bot_';

/** Backend calls range from a 50 ms credits check to an edit's SSE stream of up to 15 minutes. */
const BACKEND_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900];

export interface Metrics {
  registry: Registry;
  /** Messages that reached the router, by platform and the intent it chose. */
  updates: Counter<'platform' | 'intent'>;
  /** Duration of each NemoVideo call, `outcome` = `ok` or the error kind. */
  backendLatency: Histogram<'endpoint' | 'outcome'>;
  /** Failed NemoVideo calls by endpoint and error kind. */
  backendErrors: Counter<'endpoint' | 'kind'>;
  /** Render and delivery jobs in progress. */
  runningJobs: Gauge<'kind'>;
  /** SSE edit streams currently open. */
  openStreams: Gauge;
  /** Bytes users uploaded to the backend. */
  uploadBytes: Counter<'platform'>;
  /** Finished videos delivered, by how (`file`, `link`, ...). */
  deliveries: Counter<'platform' | 'mode'>;
}

/** The bot's metrics plus Node's default process metrics, on `registry` (a fresh one unless given). */
export function createMetrics(registry: Registry = new Registry()): Metrics {
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  return {
    registry,
    updates: new Counter({
      name: `${METRIC_PREFIX}updates_total`,
      help: 'Incoming messages routed, by platform and intent',
      labelNames: ['platform', 'intent'] as const,
      registers,
    }),
    backendLatency: new Histogram({
      name: `${METRIC_PREFIX}backend_request_duration_seconds`,
      help: 'NemoVideo API call duration in seconds, SSE streams included',
      labelNames: ['endpoint', 'outcome'] as const,
      buckets: BACKEND_LATENCY_BUCKETS,
      registers,
    }),
    backendErrors: new Counter({
      name: `${METRIC_PREFIX}backend_errors_total`,
      help: 'Failed NemoVideo API calls, by endpoint and error kind',
      labelNames: ['endpoint', 'kind'] as const,
      registers,
    }),
    runningJobs: new Gauge({
      name: `${METRIC_PREFIX}running_jobs`,
      help: 'Render and delivery jobs in progress',
      labelNames: ['kind'] as const,
      registers,
    }),
    openStreams: new Gauge({
      name: `${METRIC_PREFIX}open_streams`,
      help: 'SSE edit streams currently open',
      registers,
    }),
    uploadBytes: new Counter({
      name: `${METRIC_PREFIX}upload_bytes_total`,
      help: 'Bytes uploaded to the NemoVideo API, by platform',
      labelNames: ['platform'] as const,
      registers,
    }),
    deliveries: new Counter({
      name: `${METRIC_PREFIX}deliveries_total`,
      help: 'Finished videos delivered to chats, by platform and mode',
      labelNames: ['platform', 'mode'] as const,
      registers,
    }),
  };
}

/** What NemoClient reports after each call (its `observer` option). */
export interface NemoCallObserver {
  /** `outcome` is `ok` for success; anything else is the error kind. */
  callFinished(endpoint: string, durationMs: number, outcome: string): void;
}

/**
 * Turns a request path into a low-cardinality label: the query goes, and ids (numbers, UUIDs, long opaque
 * segments) become `:id`, so `/api/render/proxy/lambda/5529798706024415232` does not make a series per render.
 */
export function endpointLabel(endpoint: string): string {
  const path = endpoint.split('?')[0] ?? endpoint;
  return path
    .split('/')
    .map((segment) =>
      /^\d+$/.test(segment) ||
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
      /^(?=.*\d)[\w-]{16,}$/.test(segment)
        ? ':id'
        : segment,
    )
    .join('/');
}

/** Records NemoClient calls into `backendLatency` and, when they fail, `backendErrors`. */
export function nemoObserver(metrics: Pick<Metrics, 'backendLatency' | 'backendErrors'>): NemoCallObserver {
  return {
    callFinished(endpoint, durationMs, outcome) {
      const label = endpointLabel(endpoint);
      metrics.backendLatency.observe({ endpoint: label, outcome }, durationMs / 1000);
      if (outcome !== 'ok') metrics.backendErrors.inc({ endpoint: label, kind: outcome });
    },
  };
}
