/**
 * The local engine's render speed: seconds of 1080p output per second of wall time, through the engine
 * (HTTP start, bounded pool, progress parsing, polls through the bot's NemoClient) beside ffmpeg run by hand
 * with the same arguments and filter graph (built by the same graph builder over the same source files).
 * `npm run bench` includes it in bench/RESULTS.md (BENCH_LOCAL_RUNS per scenario, default 1);
 * `npm run bench:local` runs it alone (BENCH_RUNS, default 3) and writes bench/LOCAL-RENDER.md.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { engineDraft, visuals } from '../src/local-engine/draft.js';
import { startLocalEngine } from '../src/local-engine/index.js';
import { probeMedia } from '../src/local-engine/media.js';
import { buildRenderCommand } from '../src/local-engine/render/graph.js';
import type { MediaFile } from '../src/local-engine/sessions.js';
import { createLogger } from '../src/logger.js';
import { NemoClient } from '../src/nemo/index.js';
import { median, round } from './lib/stats.js';

const run = promisify(execFile);
const PRESET = 'veryfast';

interface Scenario {
  name: string;
  /** Makes the sources in `dir`. */
  sources(dir: string): Promise<string[]>;
  instructions: string[];
}

const SCENARIOS: Scenario[] = [
  {
    name: '10 s 1080p clip, cinematic look + 3 s title',
    sources: async (dir) => [await clip(dir, 'street.mp4', 10)],
    instructions: ['apply a cinematic look', "add a title 'Urban Dreams' for 3 seconds"],
  },
  {
    name: 'five 1080p images + logo → 30 s promo with music',
    sources: async (dir) => [
      ...(await Promise.all([1, 2, 3, 4, 5].map((n) => still(dir, `photo-${n}.png`, n)))),
      await still(dir, 'logo.png', 9, '400x400'),
    ],
    instructions: ['turn these into a 30-second promo with music'],
  },
];

async function clip(dir: string, name: string, seconds: number): Promise<string> {
  const path = join(dir, name);
  await run('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-y', path],
  ]);
  return path;
}

async function still(dir: string, name: string, seed: number, size = '1920x1080'): Promise<string> {
  const path = join(dir, name);
  await run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `mandelbrot=size=${size}:start_scale=${seed}`,
    '-frames:v',
    '1',
    '-y',
    path,
  ]);
  return path;
}

export interface LocalRenderResult {
  scenario: string;
  outputSeconds: number;
  engineWallSeconds: number[];
  handWallSeconds: number[];
  filterGraphChars: number;
}

async function runScenario(scenario: Scenario, runs: number, dir: string): Promise<LocalRenderResult> {
  const sources = await scenario.sources(dir);
  const engine = await startLocalEngine({
    dir: join(dir, 'engine'),
    maxBytes: 4 * 1024 * 1024 * 1024,
    renderWorkers: 1,
    preset: PRESET,
    log: createLogger({ level: 'silent' }),
  });
  const client = new NemoClient({
    baseUrl: engine.url,
    skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
    rateLimitRetryMs: 1000,
    renderPollMaxMs: 250,
    requestTimeoutMs: 120_000,
  });
  try {
    const anon = await client.getAnonymousToken(randomUUID());
    const creds = { token: async () => anon.token, refreshToken: async () => anon.token };
    const { sessionId } = await client.createSession(creds, {});
    const session = { ...creds, sessionId: async () => sessionId, renewSession: async () => sessionId };
    const files = await Promise.all(
      sources.map(async (path) => ({
        name: basename(path),
        mimeType: 'application/octet-stream',
        size: (await stat(path)).size,
        open: async () => createReadStream(path),
      })),
    );
    await client.uploadFiles(session, files);
    for (const instruction of scenario.instructions)
      for await (const _ of client.sendMessage(session, instruction));
    const draft = (await client.getState(session)).draft;

    // The same graph by hand: the draft's media are the same sources, found by their names.
    const parsed = engineDraft.parse(draft);
    const byName = new Map<string, MediaFile>();
    for (const path of sources) {
      const media = await probeMedia(path, basename(path));
      if (!media) throw new Error(`cannot probe ${path}`);
      byName.set(basename(path).replace(/\.[^.]+$/, ''), {
        id: path,
        name: basename(path),
        path,
        mime: '',
        sizeBytes: 0,
        hash: '',
        ...media,
      });
    }
    const labelled = new Map<string, string>();
    for (const track of parsed.t)
      for (const segment of track.sg) if ('n' in segment) labelled.set(segment.src, segment.n);
    const outputPath = join(dir, 'by-hand.mp4');
    const command = buildRenderCommand({
      draft: parsed,
      file: (id) => byName.get(labelled.get(id) ?? ''),
      outputPath,
      workDir: dir,
      quality: 'high',
      preset: PRESET,
    });
    await Promise.all(command.files.map((file) => writeFile(file.path, file.content)));
    if (visuals(parsed).length === 0) throw new Error('nothing to render');

    const engineWallSeconds: number[] = [];
    const handWallSeconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      let started = performance.now();
      const render = await client.startRender(session, draft);
      const done = await client.waitForRender(session, render.id, { timeoutMs: 30 * 60_000 });
      if (done.status !== 'completed') throw new Error(`engine render ${done.status}`);
      engineWallSeconds.push((performance.now() - started) / 1000);

      started = performance.now();
      // Without -progress: the hand run is plain ffmpeg.
      const args = command.args.filter((_, k, all) => all[k] !== '-progress' && all[k - 1] !== '-progress');
      const child = spawn('ffmpeg', args, { stdio: 'ignore' });
      const [code] = await once(child, 'exit');
      if (code !== 0) throw new Error(`ffmpeg by hand exited ${code}`);
      handWallSeconds.push((performance.now() - started) / 1000);
    }
    const graph = command.args[command.args.indexOf('-filter_complex') + 1] ?? '';
    return {
      scenario: scenario.name,
      outputSeconds: command.durationMs / 1000,
      engineWallSeconds,
      handWallSeconds,
      filterGraphChars: graph.length,
    };
  } finally {
    await engine.close();
  }
}

export async function runLocalRenderBench(
  runs: number,
  say: (line: string) => void,
): Promise<LocalRenderResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'nemo-bench-local-'));
  try {
    const results: LocalRenderResult[] = [];
    for (const scenario of SCENARIOS) {
      say(`local render: ${scenario.name}, ${runs} run(s)`);
      results.push(await runScenario(scenario, runs, dir));
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The markdown section for bench/RESULTS.md. */
export function localRenderMarkdown(results: LocalRenderResult[]): string {
  const speed = (output: number, walls: number[]) => output / median(walls);
  const rows = results.map((r) => {
    const engine = speed(r.outputSeconds, r.engineWallSeconds);
    const hand = speed(r.outputSeconds, r.handWallSeconds);
    return `| ${r.scenario} | ${round(r.outputSeconds, 1)} | ${round(engine, 2)} (${round(median(r.engineWallSeconds), 1)} s) | ${round(hand, 2)} (${round(median(r.handWallSeconds), 1)} s) | ${round(engine / hand, 2)} |`;
  });
  return [
    '## Local engine render speed (`NEMO_ENGINE=local`)',
    '',
    `Seconds of 1080p H.264 output per second of wall time (median of ${results[0]?.engineWallSeconds.length ?? 0} runs, x264 \`${PRESET}\`): through the engine (start over HTTP, render pool, progress, polls every ≤ 250 ms through the bot's client) beside ffmpeg run by hand with the same arguments and filter graph.`,
    '',
    // Both runs share the machine with whatever else runs: the ratio is the figure to read, and the load says how noisy.
    `Machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => round(l, 1))
      .join(' / ')} (1 / 5 / 15 min) when the runs ended.`,
    '',
    '| scenario | output s | engine: output s per wall s (wall) | ffmpeg by hand (wall) | engine / by hand |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const results = await runLocalRenderBench(runs, (line) => process.stderr.write(`[bench] ${line}\n`));
  const markdown = localRenderMarkdown(results);
  await writeFile(fileURLToPath(new URL('LOCAL-RENDER.md', import.meta.url)), markdown);
  console.log(markdown);
}
