/**
 * The closing note of RESULTS.md: for each goal missed, what costs it and what would fix it. The causes were
 * found by reading the code paths the bench drives; the figures come from this run.
 */

import { median, round } from './lib/stats.js';
import type { BenchResults } from './report.js';

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
    return `**Only ${open} of ${r.config.concurrency.chats} edit streams run at once.** The Telegram adapter awaits
\`handle\`, and \`handle\` (src/bot.ts, \`await await accepted\`) resolves only when the chat's queued job has finished,
so every running edit holds one of @grammyjs/runner's 500 concurrent update slots for its whole length. With 500
edits running, the runner takes no more updates at all: the other chats' edits wait, and so does every \`credits\`
or \`/cancel\` from any chat, for minutes. Fix: let \`handle\` resolve once the work is accepted and queued (the core's
per-chat intake and ChatQueue already keep each chat's order; \`idle()\` covers the console and tests), or have the
adapter detach the call as its webhook path does. Raising the runner's concurrency only moves the wall. The RSS,
loop-delay and CPU figures above are for the streams that did open.`;
  },
  uploadRss: (r) => {
    const start = median(r.upload.map((u) => u.bot.probe.startRssMB));
    const peak = median(r.upload.map((u) => u.bot.peakRssMB));
    return `**Upload peak RSS ${round(peak, 0)} MB.** The relay itself is streamed: the peak is the same for 100 MB and
1 GB, and only ~${round(peak - start, 0)} MB above what the bot process holds before the upload starts (${round(start, 0)} MB,
after one \`credits\` message). That base is the bot as \`npm start\` runs it: TypeScript compiled at load by tsx,
plus grammY, undici, ioredis, pino and prom-client. Fix: ship compiled JavaScript (\`tsc\` to dist/, \`node
dist/adapters/main.js\` in the Dockerfile and \`npm start\`), which drops the loader and its transform cache, and
start Node with \`--max-semi-space-size\` kept small so streaming does not grow the young generation.`;
  },
  uploadSpeed: () =>
    `**Upload relay below 0.8 of curl.** The bot streams Telegram's download straight into the multipart upload
(one pass, no disk); the gap is per-chunk work in Node (undici body → async iterator in the upload flow → the
multipart generator). Larger chunks (\`highWaterMark\` on the download) and piping the body instead of iterating it
would close most of it.`,
  throughput: () =>
    `**Pipeline below 0.5 of the bare bot.** Each \`credits\` costs the router, three Redis round trips and one
backend call; see the round-trip note for the cheapest cut.`,
  latency: () =>
    `**Added p99 latency of 5 ms or more.** The tail comes from the Redis round trips and the backend call made in
series per message, and from garbage collection in the bot process; fewer round trips (see above) shorten it.`,
  concurrency: () =>
    `**Concurrency over its memory or loop-delay budget.** Each open stream holds an undici connection, an SSE
parser and a chat context; the typing indicator refresh every 4 s per chat is the main steady work.`,
};

export function closingNotes(misses: string[], results: BenchResults): string {
  if (misses.length === 0) return 'Every goal was met in this run.';
  return misses
    .map((miss) => NOTES[miss]?.(results))
    .filter(Boolean)
    .join('\n\n');
}
