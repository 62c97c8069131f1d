/**
 * Turns the runs into bench/RESULTS.md: one table of medians against each goal, the per-run figures, the
 * machine, and a closing note for every goal missed saying what costs it and what would fix it.
 */
import type { BenchConfig } from './config.js';
import type { BaseRss } from './lib/base-rss.js';
import type { MachineNotes } from './lib/machine.js';
import { median, round } from './lib/stats.js';
import type { ConcurrencyResult } from './scenarios/concurrency.js';
import type { PipelineModeResult } from './scenarios/pipeline.js';
import type { RelayResult } from './scenarios/upload-relay.js';

export interface BenchResults {
  config: BenchConfig;
  machine: MachineNotes;
  baseRss: BaseRss;
  totalSeconds: number;
  pipeline: Array<{ bare: PipelineModeResult; full: PipelineModeResult }>;
  upload: RelayResult[];
  concurrency: ConcurrencyResult[];
}

interface Row {
  measure: string;
  bot: string;
  best: string;
  ratio: string;
  goal: string;
  met: boolean | undefined;
}

const med = <T>(items: readonly T[], pick: (item: T) => number) => median(items.map(pick));
const f = (n: number, digits = 1) => (Number.isFinite(n) ? String(round(n, digits)) : 'n/a');
const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? 'yes' : '**no**');

/** The bot process's CPU time (user + system) per update of the burst. */
export function cpuMsPerUpdate(mode: PipelineModeResult, updates: number): number {
  return (mode.probe.cpuCores * mode.probe.seconds * 1000) / updates;
}

function pipelineRows(r: BenchResults, misses: string[]): Row[] {
  const runs = r.pipeline;
  if (runs.length === 0) return [];
  const { chats, updates, latencyRatePerSec } = r.config.pipeline;
  const ratio = med(runs, (x) => x.full.updatesPerSec / x.bare.updatesPerSec);
  const added = med(runs, (x) => x.full.latencyP99Ms - x.bare.latencyP99Ms);
  const first = med(runs, (x) => x.full.roundTrips?.firstMessage ?? Number.NaN);
  const steady = med(runs, (x) => x.full.roundTrips?.steady ?? Number.NaN);
  const byCommand = runs[0]!.full.roundTrips;
  const list = (counts: Record<string, number> | undefined) =>
    Object.entries(counts ?? {})
      .map(([cmd, n]) => `${cmd} ${f(n / chats, 2)}`)
      .join(', ');
  if (ratio < 0.5) misses.push('throughput');
  if (!(added < 5)) misses.push('latency');
  if (!(steady <= 2)) misses.push('roundTrips');
  return [
    {
      measure: `1. Pipeline: ${updates} \`credits\` updates over ${chats} chats, updates/s`,
      bot: f(
        med(runs, (x) => x.full.updatesPerSec),
        0,
      ),
      best: `${f(
        med(runs, (x) => x.bare.updatesPerSec),
        0,
      )} (bare grammY)`,
      ratio: f(ratio, 2),
      goal: 'ratio ≥ 0.5',
      met: ratio >= 0.5,
    },
    {
      measure: `1. Served → reply, p50 / p99 ms, paced at ${latencyRatePerSec}/s`,
      bot: `${f(
        med(runs, (x) => x.full.latencyP50Ms),
        2,
      )} / ${f(
        med(runs, (x) => x.full.latencyP99Ms),
        2,
      )}`,
      best: `${f(
        med(runs, (x) => x.bare.latencyP50Ms),
        2,
      )} / ${f(
        med(runs, (x) => x.bare.latencyP99Ms),
        2,
      )}`,
      ratio: `+${f(added, 2)} ms at p99`,
      goal: 'p99 added < 5 ms',
      met: added < 5,
    },
    {
      measure: '1. Served → reply during the burst, p50 / p99 ms (queueing included)',
      bot: `${f(
        med(runs, (x) => x.full.burstP50Ms),
        0,
      )} / ${f(
        med(runs, (x) => x.full.burstP99Ms),
        0,
      )}`,
      best: `${f(
        med(runs, (x) => x.bare.burstP50Ms),
        0,
      )} / ${f(
        med(runs, (x) => x.bare.burstP99Ms),
        0,
      )}`,
      ratio: '',
      goal: '(context)',
      met: undefined,
    },
    {
      measure: '1. Bot process during the burst: CPU ms per update, peak RSS MB',
      bot: `${f(
        med(runs, (x) => cpuMsPerUpdate(x.full, updates)),
        3,
      )}, ${f(
        med(runs, (x) => x.full.probe.peakRssMB),
        0,
      )}`,
      best: `${f(
        med(runs, (x) => cpuMsPerUpdate(x.bare, updates)),
        3,
      )}, ${f(
        med(runs, (x) => x.bare.probe.peakRssMB),
        0,
      )}`,
      ratio: '',
      goal: '(context)',
      met: undefined,
    },
    {
      measure: `4. Redis round trips per handled text message, steady (${list(byCommand?.steadyByCommand)})`,
      bot: f(steady, 2),
      best: '',
      ratio: '',
      goal: '≤ 2',
      met: steady <= 2,
    },
    {
      measure: `4. Redis round trips, a chat's first message (${list(byCommand?.firstByCommand)})`,
      bot: f(first, 2),
      best: '',
      ratio: '',
      goal: '(reported apart)',
      met: undefined,
    },
  ];
}

function uploadRows(r: BenchResults, misses: string[]): Row[] {
  const rows: Row[] = [];
  const peaks: number[] = [];
  let slow = false;
  for (const source of ['http', 'local'] as const) {
    for (const sizeMB of r.config.uploadMB) {
      const runs = r.upload.filter((u) => u.source === source && u.sizeMB === sizeMB);
      if (runs.length === 0) continue;
      const ratio = med(runs, (u) => u.ratio);
      const peak = med(runs, (u) => u.bot.peakRssMB);
      peaks.push(...runs.map((u) => u.bot.peakRssMB));
      if (ratio < 0.8) slow = true;
      const how = source === 'http' ? 'file endpoint over HTTP' : 'local Bot API, read from disk';
      rows.push({
        measure: `2. Upload relay ${sizeMB} MB (${how}), MB/s`,
        bot: f(
          med(runs, (u) => u.bot.MBps),
          0,
        ),
        best: `${f(
          med(runs, (u) => u.curl.MBps),
          0,
        )} (curl)`,
        ratio: f(ratio, 2),
        goal: 'ratio ≥ 0.8',
        met: ratio >= 0.8,
      });
      rows.push({
        measure: `2. Upload relay ${sizeMB} MB (${source}): bot peak RSS MB (at start)`,
        bot: `${f(peak, 0)} (${f(
          med(runs, (u) => u.bot.probe.startRssMB),
          0,
        )})`,
        best: '',
        ratio: '',
        goal: '< 150 MB',
        met: peak < 150,
      });
    }
  }
  if (slow) misses.push('uploadSpeed');
  if (peaks.some((p) => p >= 150)) misses.push('uploadRss');
  return rows;
}

function concurrencyRows(r: BenchResults, misses: string[]): Row[] {
  const runs = r.concurrency;
  if (runs.length === 0) return [];
  const { chats, seconds, heartbeatMs } = r.config.concurrency;
  const open = med(runs, (c) => c.streamsOpen);
  const rss = med(runs, (c) => c.probe.peakRssMB);
  const delay = med(runs, (c) => c.probe.loopDelayP99Ms);
  if (open < chats) misses.push('streamsHeldBack');
  if (!(rss < 300) || !(delay < 50)) misses.push('concurrency');
  return [
    {
      measure: `3. Edit streams open at once (of ${chats} chats, heartbeat every ${heartbeatMs} ms, ${seconds} s)`,
      bot: f(open, 0),
      best: String(chats),
      ratio: f(open / chats, 2),
      goal: `all ${chats}`,
      met: open >= chats,
    },
    {
      measure: '3. Peak RSS MB over the window',
      bot: f(rss, 0),
      best: '',
      ratio: '',
      goal: '< 300 MB',
      met: rss < 300,
    },
    {
      measure: '3. Event-loop delay p99 ms (max)',
      bot: `${f(delay, 1)} (${f(
        med(runs, (c) => c.probe.loopDelayMaxMs),
        1,
      )})`,
      best: '',
      ratio: '',
      goal: '< 50 ms',
      met: delay < 50,
    },
    {
      measure: '3. CPU, cores busy',
      bot: f(
        med(runs, (c) => c.probe.cpuCores),
        3,
      ),
      best: '',
      ratio: '',
      goal: '(context)',
      met: undefined,
    },
  ];
}

/** A Markdown table with padded columns, readable in a terminal and as biome formats Markdown. */
export function renderTable(rows: Row[]): string {
  const header = ['Measure', 'Bot', 'Best on this machine', 'Ratio', 'Goal', 'Met'];
  const rightAligned = [false, true, true, true, false, false];
  const cells = rows.map((r) => [r.measure, r.bot, r.best, r.ratio, r.goal, mark(r.met)]);
  const widths = header.map((h, i) => Math.max(h.length, 3, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (rightAligned[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (rightAligned[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

function perRun(r: BenchResults): string {
  const lines: string[] = [];
  r.pipeline.forEach((x, i) => {
    lines.push(
      `- pipeline run ${i + 1}: bot ${f(x.full.updatesPerSec, 0)}/s, bare ${f(x.bare.updatesPerSec, 0)}/s, ratio ${f(x.full.updatesPerSec / x.bare.updatesPerSec, 2)}; paced p99 bot ${f(x.full.latencyP99Ms, 2)} ms, bare ${f(x.bare.latencyP99Ms, 2)} ms`,
    );
  });
  for (const u of r.upload) {
    lines.push(
      `- relay ${u.source} ${u.sizeMB} MB: bot ${f(u.bot.seconds, 2)} s (${f(u.bot.MBps, 0)} MB/s, peak RSS ${f(u.bot.peakRssMB, 0)} MB), curl ${f(u.curl.seconds, 2)} s (${f(u.curl.MBps, 0)} MB/s), ratio ${f(u.ratio, 2)}`,
    );
  }
  r.concurrency.forEach((c, i) => {
    lines.push(
      `- concurrency run ${i + 1}: ${c.streamsOpen} streams, RSS ${f(c.probe.startRssMB, 0)} → peak ${f(c.probe.peakRssMB, 0)} MB (heap ${f(c.probe.heapUsedMB, 0)} used of ${f(c.probe.heapTotalMB, 0)}, external ${f(c.probe.externalMB, 0)}), loop delay p99 ${f(c.probe.loopDelayP99Ms, 1)} ms, CPU ${f(c.probe.cpuCores, 3)} cores`,
    );
  });
  return lines.join('\n');
}

export function renderResults(
  r: BenchResults,
  closingNotes: (misses: string[]) => string,
): { table: string; markdown: string } {
  const misses: string[] = [];
  const rows = [...pipelineRows(r, misses), ...uploadRows(r, misses), ...concurrencyRows(r, misses)];
  const table = renderTable(rows);
  const m = r.machine;
  const markdown = `# Bench results

Written by \`npm run bench\` (bench/run.ts) on ${m.date}; ${r.config.runs} runs of each scenario, every figure
the median of the runs, every ratio computed run by run. Everything on loopback: the fake Bot API (which also
drives the load and times it), the NemoVideo emulator and a dedicated redis-server each in a process of their
own; the measured bot in a child process, so its RSS and CPU are its own.

${table}

## Machine

- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGB} GB (${m.freeMemoryGB} GB free at the end); load average ${m.loadAverage.join(' / ')}
- Code: ${m.code}
- Node ${m.node}, redis-server ${m.redis}; the whole bench took ${f(r.totalSeconds / 60, 1)} minutes
- A process's RSS before any work: plain Node ${r.baseRss.nodeMB} MB, Node with the tsx loader (as \`npm start\` runs
  the bot) ${r.baseRss.tsxMB} MB, the bot's modules loaded under tsx ${r.baseRss.botModulesMB} MB

## How each figure is taken

- Pipeline: every chat first sends \`credits\` once (first contact: token, session, greeting; untimed, Redis commands
  counted) and once more (steady state, counted), then the ${r.config.pipeline.updates} updates are queued at once and the
  clock runs from the first push to the last reply. "Served" is when getUpdates hands an update to the bot,
  "received" when the sendMessage replying to it reaches the fake. The latency line comes from a separate open-loop
  phase of ${r.config.pipeline.latencyUpdates} updates at ${r.config.pipeline.latencyRatePerSec}/s, so it shows what one message costs rather than the burst's queue.
  The bare bot is grammY with @grammyjs/runner replying a fixed text: no router, store or backend call.
- Round trips: commands seen by Redis \`MONITOR\` (commands a Lua script runs inside count as one, the script)
  divided by messages handled; counted outside the timed phases, as MONITOR slows Redis.
- Upload relay: a real 1-second MP4 extended with zeros to the size, sent as a document. Bot: from the update
  served to the "uploaded" edit (the emulator stored and probed the clip by then). curl: \`curl <file url> |
  curl -H 'Transfer-Encoding: chunked' -F files=@/dev/stdin …\` between the same two servers (streaming; \`-F
  files=@-\` reads the whole file into memory first), or \`curl -F files=@<path>\` for the local server. The
  bench's skill profile allows 2000 MB (the shipped ones stop at 500 MB, so a 1 GB clip would be refused).
- Concurrency: every chat connects, then sends one edit (a generation with every tool), and the window starts
  once the bot's open-stream gauge stops rising. RSS is sampled every 50 ms, loop delay by
  \`monitorEventLoopDelay\` (10 ms resolution, so ~10 ms is an idle loop), CPU by \`process.cpuUsage()\`.

## Per run

${perRun(r)}

## Closing note

${closingNotes(misses)}
`;
  return { table, markdown };
}
