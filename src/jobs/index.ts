import type { Logger } from 'pino';
import { MemoryJobEngine } from './memory-engine.js';
import type { JobEngine } from './types.js';

// BullMQ (about 20 MB resident) is loaded only when Redis is configured; import it from
// './bullmq-engine.js' directly when you need the class.
export type { BullJobEngine, BullJobEngineOptions } from './bullmq-engine.js';
export { deliverOnce } from './delivery.js';
export { MemoryJobEngine } from './memory-engine.js';
export { PlatformPorts, type PortDirectory } from './port-directory.js';
export type * from './types.js';

/** BullMQ on Redis when a URL is configured (jobs survive a restart), else in this process only. */
export async function createJobEngine(options: {
  redisUrl?: string;
  prefix?: string;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** JOB_LOCK_MS, JOB_STALLED_CHECK_MS, JOB_HOLD_LEASE_MS; the engine's defaults otherwise. */
  leases?: { lockMs: number; stalledCheckMs: number; holdLeaseMs: number };
}): Promise<JobEngine> {
  if (!options.redisUrl) return new MemoryJobEngine();
  const { BullJobEngine } = await import('./bullmq-engine.js');
  const { leases } = options;
  return BullJobEngine.connect({
    url: options.redisUrl,
    log: options.log,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(leases
      ? {
          lockDurationMs: leases.lockMs,
          stalledIntervalMs: leases.stalledCheckMs,
          holdLeaseMs: leases.holdLeaseMs,
        }
      : {}),
  });
}
