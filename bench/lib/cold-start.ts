/**
 * Cold start to ready: from spawning the bot to its first getUpdates at a fake Bot API, compiled
 * (`node dist/adapters/main.js`, as the image and `npm start` run it) against the tsx way
 * (`node --import tsx adapters/main.ts`, as `npm start` ran it before). Also the RSS at that moment.
 * dist/ must be built (`npm run build`); the in-memory store and an unreachable backend keep it to start-up.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startFakeTelegram } from '../../test/fakes/telegram/server.js';
import { freePort } from '../../test/setup/redis-server.js';

const TOKEN = '111222333:AAColdStartBenchTokenAAAAAAAAAAAAAAA';
const root = fileURLToPath(new URL('../../', import.meta.url));

export const COLD_START_COMMANDS = {
  compiled: ['dist/adapters/main.js'],
  tsx: ['--import', 'tsx', 'adapters/main.ts'],
} as const;

export interface ColdStart {
  way: keyof typeof COLD_START_COMMANDS;
  readyMs: number;
  /** CPU the process used until ready (user + system): the figure a loaded machine does not inflate. */
  cpuMs: number;
  rssMB: number;
}

/** utime + stime of a live process from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

export async function measureColdStart(way: keyof typeof COLD_START_COMMANDS): Promise<ColdStart> {
  let child: ReturnType<typeof spawn> | undefined;
  let readyAt = 0;
  let rss = 0;
  let cpu = 0;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const telegram = await startFakeTelegram({
    token: TOKEN,
    onCall: (call) => {
      if (call.method !== 'getUpdates' || readyAt) return;
      readyAt = performance.now();
      rss = child?.pid ? rssMB(child.pid) : 0;
      cpu = child?.pid ? cpuMs(child.pid) : 0;
      resolveReady();
    },
  });
  const started = performance.now();
  child = spawn(process.execPath, [...COLD_START_COMMANDS[way]], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      NEMO_API_BASE: 'http://127.0.0.1:9',
      HTTP_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    await ready;
    return { way, readyMs: Math.round(readyAt - started), cpuMs: cpu, rssMB: rss };
  } finally {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await telegram.close();
  }
}

// `npx tsx bench/lib/cold-start.ts [runs]`: this scenario alone, alternating the two ways.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5);
  const results: ColdStart[] = [];
  for (let i = 0; i < runs; i++) {
    for (const way of ['compiled', 'tsx'] as const) results.push(await measureColdStart(way));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const way of ['compiled', 'tsx'] as const) {
    const mine = results.filter((r) => r.way === way);
    console.log(
      `${way}: ready p50 ${median(mine.map((r) => r.readyMs))} ms (${mine.map((r) => r.readyMs).join(', ')}), ` +
        `CPU until ready p50 ${median(mine.map((r) => r.cpuMs))} ms, RSS at ready p50 ${median(mine.map((r) => r.rssMB))} MB`,
    );
  }
  process.exit(0);
}
