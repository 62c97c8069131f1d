import type { Logger } from 'pino';
import { BullJobEngine } from './bullmq-engine.js';
import { MemoryJobEngine } from './memory-engine.js';
import type { JobEngine } from './types.js';

export { BullJobEngine, type BullJobEngineOptions } from './bullmq-engine.js';
export { deliverOnce } from './delivery.js';
export { MemoryJobEngine } from './memory-engine.js';
export { PlatformPorts, type PortDirectory } from './port-directory.js';
export type * from './types.js';

/** BullMQ on Redis when a URL is configured (jobs survive a restart), else in this process only. */
export async function createJobEngine(options: {
  redisUrl?: string;
  prefix?: string;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
}): Promise<JobEngine> {
  if (!options.redisUrl) return new MemoryJobEngine();
  return BullJobEngine.connect({
    url: options.redisUrl,
    log: options.log,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  });
}
