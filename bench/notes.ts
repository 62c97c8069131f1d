/**
 * The closing note of RESULTS.md: for each goal missed, what costs it and what would fix it. The causes were
 * found by reading the code paths the bench drives; the figures come from this run.
 */

import { median, round } from './lib/stats.js';
import { type BenchResults, cpuMsPerUpdate } from './report.js';

const NOTES: Record<string, (r: BenchResults) => string> = {
  roundTrips: (r) => {
    const steady = r.pipeline[0]?.full.roundTrips?.steadyByCommand ?? {};
    return `**Redis round trips (${Object.entries(steady)
      .map(([c, n]) => `${c} ×${round(n / r.config.pipeline.chats, 2)}`)
      .join(
        ', ',
      )} per message).** A steady \`credits\` costs the redelivery check (\`SET seen:<update> NX PX\`,
src/bot.ts \`firstSeen\`), the chat record read in \`accept\` (\`HGETALL\`, to know whether the chat was greeted), and
the same record read again by \`ChatConnection.token()\` (src/conversation/connection.ts) before the backend call.
Fix (src/, not bench): read the record once per message and hand it to the connection (e.g. \`connections.for(key,
…, record)\` with \`token()\`/\`sessionId()\` using it, re-reading only after a refresh), which makes it 2; a small Lua
script doing \`SET NX\` and \`HGETALL\` together would make it 1.`;
  },
  streamsHeldBack: (r) => {
    const open = median(r.concurrency.map((c) => c.streamsOpen));
    const cpu = round(median(r.concurrency.map((c) => c.probe.cpuCores)), 2);
    return `**Only ${open} of ${r.config.concurrency.chats} edit streams run at once.** Two caps in the code decide it. Each edit
is a durable job, and the job engine's worker runs at most 100 jobs per process (src/jobs/bullmq-engine.ts,
\`concurrency ?? 100\`; adapters/app.ts takes the default): the other chats' edits wait in the queue, each user
seeing "working on it" with nothing behind it until a slot frees, minutes later. Behind that, \`handle\` (src/bot.ts,
\`await queued\`) still resolves only when the chat's job has finished, so every running edit also holds one of
@grammyjs/runner's 500 update slots: past 500 running edits the bot would take no update at all, not even a
\`/cancel\`. Fix: an open stream costs almost nothing (${cpu} cores for ${open} streams here), so let a process run
edits by the thousand (worker concurrency from configuration, default in the thousands, or edits streamed outside
the worker's slots with only renders counted), and let \`handle\` resolve once the job is queued (\`idle()\` already
serves the console and the tests). The RSS, loop-delay and CPU figures above are for the streams that did open.`;
  },
  uploadRss: (r) => {
    const start = median(r.upload.map((u) => u.bot.probe.startRssMB));
    const peak = median(r.upload.map((u) => u.bot.peakRssMB));
    const { nodeMB, tsxMB, botModulesMB } = r.baseRss;
    return `**Upload peak RSS ${round(peak, 0)} MB.** The relay itself is streamed: the peak is the same for every size
and only ~${round(peak - start, 0)} MB above what the bot holds before the upload starts (${round(start, 0)} MB, after one
\`credits\`). That base is how \`npm start\` runs the bot: plain Node holds ${nodeMB} MB, the tsx loader takes it to
${tsxMB} MB (+${tsxMB - nodeMB} MB of TypeScript compiled at load), the bot's modules (grammY, undici, ioredis, pino,
prom-client, zod, BullMQ) to ${botModulesMB} MB. Fix: ship compiled JavaScript (\`tsc\` to dist/, \`node
dist/adapters/main.js\` in \`npm start\` and the Dockerfile): without the loader's ~${tsxMB - nodeMB} MB the relay would peak
near ${round(peak - (tsxMB - nodeMB), 0)} MB${
      peak - (tsxMB - nodeMB) < 150
        ? ', under the goal.'
        : '; the rest is what the libraries hold once loaded and connected (the job engine opens Redis connections of its own), which loading only what a deployment uses would trim.'
    }`;
  },
  uploadSpeed: () =>
    `**Upload relay below 0.8 of curl.** The bot streams Telegram's download straight into the multipart upload
(one pass, no disk), so the gap is per-chunk work in Node: undici's body, then the upload flow's async iterator
(sniff, size cap), then the multipart generator. Not profiled in this run; larger chunks and piping the body
instead of iterating it are the first things to try. Figures vary run to run by the emulator's disk writes.`,
  throughput: (r) => {
    const { updates } = r.config.pipeline;
    const bot = median(r.pipeline.map((x) => cpuMsPerUpdate(x.full, updates)));
    const bare = median(r.pipeline.map((x) => cpuMsPerUpdate(x.bare, updates)));
    const steady = median(r.pipeline.map((x) => x.full.roundTrips?.steady ?? Number.NaN));
    return `**Pipeline at ${round(median(r.pipeline.map((x) => x.full.updatesPerSec / x.bare.updatesPerSec)), 2)} of the bare bot.**
The bot process spends ${round(bot, 3)} ms of CPU per update against the bare bot's ${round(bare, 3)} ms, and each of its
updates also costs the emulator a credits answer and Redis ${steady} commands; on ${r.machine.cores} cores shared by the load
generator (the fake Bot API), the emulator, Redis and the bot, that extra work is what the ratio measures. Neither bot
uses a full core, so the limit is the machine, not one process. What would fix it: less per-message work in src/bot.ts (a pino child logger and a full FlowContext with its ChatConnection are built
for every message, even one that is then deduplicated); on a machine with more cores than processes the ratio rises.`;
  },
  latency: () =>
    `**Added p99 latency of 5 ms or more.** The tail comes from the Redis round trips and the backend call made in
series per message (three Redis commands and one backend call, each a loopback round trip of ~0.1-0.5 ms) and
from garbage collection pauses in the bot process. Not profiled further; fewer round trips (see below) shorten it.`,
  concurrency: (r) => {
    const pick = (get: (p: BenchResults['concurrency'][number]['probe']) => number) =>
      round(median(r.concurrency.map((c) => get(c.probe))), 0);
    const { botModulesMB, tsxMB, nodeMB } = r.baseRss;
    const peak = pick((p) => p.peakRssMB);
    return `**${r.config.concurrency.chats} open edits: peak RSS ${peak} MB, event-loop delay p99 ${pick((p) => p.loopDelayP99Ms)} ms.**
At the window's end the V8 heap held ${pick((p) => p.heapUsedMB)} MB in use of ${pick((p) => p.heapTotalMB)} MB reserved, with
${pick((p) => p.externalMB)} MB outside it (socket and stream buffers). The process starts at ${botModulesMB} MB with its modules
(${tsxMB - nodeMB} MB of it the tsx loader), so the chats and their streams cost about ${peak - botModulesMB} MB, a few hundred kB
each (FlowContext, pino child logger, SSE parser, undici connection, job record). Fix, cheapest first: ship compiled
JavaScript (the loader's ${tsxMB - nodeMB} MB), and cap V8's reserve (\`--max-semi-space-size\`, \`--max-old-space-size\`) so the
heap does not keep what a burst grew it to.`;
  },
};

export function closingNotes(misses: string[], results: BenchResults): string {
  if (misses.length === 0) return 'Every goal was met in this run.';
  return misses
    .map((miss) => NOTES[miss]?.(results))
    .filter(Boolean)
    .join('\n\n');
}
