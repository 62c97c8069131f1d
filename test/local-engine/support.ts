/**
 * The local engine as the bot uses it: started in-process on loopback, driven through the bot's own
 * NemoClient over real HTTP. Media are made with ffmpeg and measured with ffprobe and raw pixels.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { request } from 'undici';
import { type LocalEngine, startLocalEngine } from '../../src/local-engine/index.js';
import { createLogger } from '../../src/logger.js';
import { NemoClient, type NemoSessionRef } from '../../src/nemo/index.js';
import { runFfmpeg } from '../fixtures/ffmpeg.js';

const run = promisify(execFile);

export interface EngineHarness {
  engine: LocalEngine;
  client: NemoClient;
  dir: string;
  newSession(): Promise<NemoSessionRef>;
  close(): Promise<void>;
}

export async function startEngineHarness(
  options: { maxBytes?: number; workers?: number } = {},
): Promise<EngineHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'local-engine-'));
  const engine = await startLocalEngine({
    dir: join(dir, 'data'),
    maxBytes: options.maxBytes ?? 2 * 1024 * 1024 * 1024,
    renderWorkers: options.workers ?? 1,
    preset: 'ultrafast',
    log: createLogger({ level: 'silent' }),
  });
  const client = new NemoClient({
    baseUrl: engine.url,
    skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
    rateLimitRetryMs: 1000,
    renderPollMaxMs: 200,
    requestTimeoutMs: 60_000,
  });
  const newSession = async (): Promise<NemoSessionRef> => {
    const anon = await client.getAnonymousToken(randomUUID());
    const creds = { token: async () => anon.token, refreshToken: async () => anon.token };
    const created = await client.createSession(creds, { language: 'en' });
    return {
      ...creds,
      sessionId: async () => created.sessionId,
      renewSession: async () => {
        throw new Error('the session should not be lost in this test');
      },
    };
  };
  return {
    engine,
    client,
    dir,
    newSession,
    close: async () => {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function uploadFiles(h: EngineHarness, session: NemoSessionRef, paths: string[]) {
  const sources = await Promise.all(
    paths.map(async (path) => ({
      name: basename(path),
      mimeType: 'application/octet-stream',
      size: (await stat(path)).size,
      open: async () => createReadStream(path),
    })),
  );
  return h.client.uploadFiles(session, sources);
}

/** Sends one instruction; returns the agent's final text. */
export async function edit(h: EngineHarness, session: NemoSessionRef, text: string): Promise<string> {
  const texts: string[] = [];
  for await (const event of h.client.sendMessage(session, text)) {
    if (event.type === 'text' && !event.partial) texts.push(event.text);
  }
  return texts.join('\n');
}

/** Renders the session's timeline and downloads the MP4 into the harness folder. */
export async function renderToFile(
  h: EngineHarness,
  session: NemoSessionRef,
  progress: number[] = [],
): Promise<string> {
  const state = await h.client.getState(session);
  const started = await h.client.startRender(session, state.draft);
  const done = await h.client.waitForRender(session, started.id, {
    timeoutMs: 120_000,
    onProgress: (status) => progress.push(status.progress),
  });
  if (done.status !== 'completed' || !done.outputUrl) throw new Error(`render ended ${done.status}`);
  const path = join(h.dir, `${started.id}.mp4`);
  const response = await request(done.outputUrl);
  if (response.statusCode !== 200) throw new Error(`download answered ${response.statusCode}`);
  await pipeline(response.body, createWriteStream(path));
  return path;
}

export interface Probe {
  durationSec: number;
  width?: number;
  height?: number;
  videoCodec?: string;
  audioCodec?: string;
}

export async function probe(path: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_streams',
    '-show_format',
    path,
  ]);
  const json = JSON.parse(stdout) as {
    streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>;
    format: { duration: string };
  };
  const video = json.streams.find((s) => s.codec_type === 'video');
  const audio = json.streams.find((s) => s.codec_type === 'audio');
  return {
    durationSec: Number(json.format.duration),
    ...(video && { width: video.width, height: video.height, videoCodec: video.codec_name }),
    ...(audio && { audioCodec: audio.codec_name }),
  };
}

/** Silent spans (seconds) that silencedetect finds in a file's audio. */
export async function silences(path: string, thresholdDb = -30, minSeconds = 0.5): Promise<number[]> {
  const { stderr } = await run('ffmpeg', [
    ...['-hide_banner', '-nostdin', '-v', 'info', '-i', path],
    ...['-af', `silencedetect=noise=${thresholdDb}dB:d=${minSeconds}`, '-f', 'null', '-'],
  ]);
  return [...stderr.matchAll(/silence_duration: (\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
}

/** Mean volume in dB (volumedetect). */
export async function meanVolumeDb(path: string): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-i',
    path,
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ]);
  const match = /mean_volume: (-?\d+(?:\.\d+)?) dB/.exec(stderr);
  return match ? Number(match[1]) : Number.NEGATIVE_INFINITY;
}

/** One decoded frame at `seconds` as raw pixels. */
export async function frameAt(
  path: string,
  seconds: number,
  pixFmt: 'gray' | 'rgb24',
): Promise<{ data: Buffer; width: number; height: number }> {
  const { width = 0, height = 0 } = await probe(path);
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(seconds),
      '-i',
      path,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      pixFmt,
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return { data: stdout, width, height };
}

/**
 * The share of pixels that differ by more than `threshold` grey levels between two frames, inside rows
 * [top, bottom) given as shares of the height.
 */
export function changedShare(
  a: { data: Buffer; width: number; height: number },
  b: { data: Buffer; width: number; height: number },
  top: number,
  bottom: number,
  threshold = 30,
): number {
  const from = Math.floor(a.height * top);
  const to = Math.floor(a.height * bottom);
  let changed = 0;
  for (let y = from; y < to; y++) {
    for (let x = 0; x < a.width; x++) {
      if (Math.abs(a.data[y * a.width + x]! - b.data[y * b.width + x]!) > threshold) changed++;
    }
  }
  return changed / ((to - from) * a.width);
}

/** A tone with two 2-second silences: 2 s tone, 2 s quiet, 2 s tone, 2 s quiet, 2 s tone (10 s, 320×240). */
export async function makeClipWithPauses(dir: string): Promise<string> {
  const path = join(dir, 'talk.mp4');
  await runFfmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'],
    ...[
      '-f',
      'lavfi',
      '-i',
      "aevalsrc='if(between(t,2,4)+between(t,6,8),0,0.5*sin(2*PI*440*t))':s=44100:d=10",
    ],
    ...['-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path],
  ]);
  return path;
}

/** A still, evenly coloured 640×360 clip with a tone: any text drawn on it shows as changed pixels. */
export async function makeFlatClip(dir: string, seconds: number): Promise<string> {
  const path = join(dir, `flat-${seconds}.mp4`);
  await runFfmpeg([
    ...['-f', 'lavfi', '-i', 'color=c=0x305080:size=640x360:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=44100'],
    ...[
      '-t',
      String(seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      path,
    ],
  ]);
  return path;
}

/** A still clip of one colour with a 330 Hz tone. */
export async function makeColorClip(
  dir: string,
  name: string,
  color: string,
  seconds: number,
): Promise<string> {
  const path = join(dir, name);
  await runFfmpeg([
    ...['-f', 'lavfi', '-i', `color=c=${color}:size=640x360:rate=25`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=44100'],
    ...[
      '-t',
      String(seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      path,
    ],
  ]);
  return path;
}

/** A PNG of one colour. */
export async function makeColorImage(
  dir: string,
  name: string,
  color: string,
  size = '640x360',
): Promise<string> {
  const path = join(dir, name);
  await runFfmpeg(['-f', 'lavfi', '-i', `color=c=${color}:size=${size}`, '-frames:v', '1', path]);
  return path;
}
