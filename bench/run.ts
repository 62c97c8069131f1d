/**
 * `npm run bench`: the latency, throughput, memory and Redis figures of the bot against the best this machine
 * can do, written to bench/RESULTS.md and printed. Knobs in bench/config.ts (BENCH_RUNS, BENCH_UPLOAD_MB,
 * BENCH_STREAM_SECONDS, …); BENCH_ONLY=pipeline,upload,concurrency picks scenarios.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBenchConfig } from './config.js';
import { measureBaseRss } from './lib/base-rss.js';
import { machineNotes } from './lib/machine.js';
import { makeClip } from './lib/media.js';
import { startRedis } from './lib/redis-server.js';
import { type LocalRenderResult, localRenderMarkdown, runLocalRenderBench } from './local-render.js';
import { closingNotes } from './notes.js';
import { type BenchResults, renderResults } from './report.js';
import { runConcurrency } from './scenarios/concurrency.js';
import { runPipelineMode } from './scenarios/pipeline.js';
import { runUploadRelay } from './scenarios/upload-relay.js';

const config = loadBenchConfig(process.env);
const startedAt = performance.now();
const say = (line: string) =>
  process.stderr.write(`[bench ${Math.round((performance.now() - startedAt) / 1000)}s] ${line}\n`);
const redis = await startRedis();
const dir = await mkdtemp(join(tmpdir(), 'nemo-bench-'));
// Interrupted: still stop redis-server (the children end on their own when their stdin closes).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void redis.close().finally(() => process.exit(130)));
}
let localRenders: LocalRenderResult[] = [];
const results: Omit<BenchResults, 'machine' | 'baseRss' | 'totalSeconds'> = {
  config,
  pipeline: [],
  upload: [],
  concurrency: [],
};

try {
  for (let run = 1; config.only.pipeline && run <= config.runs; run++) {
    say(`pipeline run ${run}/${config.runs}`);
    const bare = await runPipelineMode('bare', redis, config.pipeline);
    const full = await runPipelineMode('full', redis, config.pipeline);
    results.pipeline.push({ bare, full });
  }
  if (config.only.upload) {
    for (const sizeMB of config.uploadMB) {
      const clip = await makeClip(dir, sizeMB);
      for (let run = 1; run <= config.runs; run++) {
        for (const source of ['http', 'local'] as const) {
          say(`upload relay ${sizeMB} MB ${source}, run ${run}/${config.runs}`);
          results.upload.push(await runUploadRelay(source, clip, sizeMB, redis));
        }
      }
      await rm(clip);
    }
  }
  for (let run = 1; config.only.concurrency && run <= config.runs; run++) {
    say(`concurrency run ${run}/${config.runs} (${config.concurrency.seconds} s)`);
    results.concurrency.push(await runConcurrency(redis, config.concurrency));
  }
  if (config.only.local) localRenders = await runLocalRenderBench(config.localRuns, say);
} finally {
  await redis.close();
  await rm(dir, { recursive: true, force: true });
}

const full: BenchResults = {
  ...results,
  machine: machineNotes(redis.version),
  baseRss: await measureBaseRss(),
  totalSeconds: (performance.now() - startedAt) / 1000,
};
const { table, markdown } = renderResults(full, (misses) => closingNotes(misses, full));
const localSection = localRenders.length > 0 ? `\n${localRenderMarkdown(localRenders)}` : '';
await writeFile(fileURLToPath(new URL('RESULTS.md', import.meta.url)), markdown + localSection);
console.log(table + localSection);
say('written to bench/RESULTS.md');
process.exit(0);
