/** The bench's knobs, from the environment; the defaults are the issue's figures and fit in 10 minutes on 2 cores. */
import { z } from 'zod';

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  BENCH_RUNS: count(3),
  BENCH_UPLOAD_MB: z
    .string()
    .default('1024,100')
    .transform((list) => list.split(',').map((s) => Number(s.trim())))
    .pipe(z.array(z.number().int().positive()).min(1)),
  BENCH_STREAM_SECONDS: count(60),
  BENCH_STREAM_CHATS: count(1000),
  BENCH_HEARTBEAT_MS: count(1000),
  BENCH_CHATS: count(1000),
  BENCH_UPDATES: count(20_000),
  BENCH_LATENCY_UPDATES: count(1800),
  BENCH_LATENCY_RATE: count(300),
  /** Local engine renders per scenario (each is minutes of 1080p encoding on 2 cores). */
  BENCH_LOCAL_RUNS: count(1),
  /** Comma-separated subset of pipeline,upload,concurrency,local. */
  BENCH_ONLY: z.string().default('pipeline,upload,concurrency,local'),
});

export type BenchConfig = ReturnType<typeof loadBenchConfig>;

export function loadBenchConfig(env: NodeJS.ProcessEnv) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.')}: ${issue.message}`);
  }
  const c = parsed.data;
  const only = new Set(c.BENCH_ONLY.split(',').map((s) => s.trim()));
  return {
    runs: c.BENCH_RUNS,
    only: {
      pipeline: only.has('pipeline'),
      upload: only.has('upload'),
      concurrency: only.has('concurrency'),
      local: only.has('local'),
    },
    localRuns: c.BENCH_LOCAL_RUNS,
    pipeline: {
      chats: c.BENCH_CHATS,
      updates: c.BENCH_UPDATES,
      latencyUpdates: c.BENCH_LATENCY_UPDATES,
      latencyRatePerSec: c.BENCH_LATENCY_RATE,
    },
    uploadMB: c.BENCH_UPLOAD_MB,
    concurrency: {
      chats: c.BENCH_STREAM_CHATS,
      seconds: c.BENCH_STREAM_SECONDS,
      heartbeatMs: c.BENCH_HEARTBEAT_MS,
    },
  };
}
