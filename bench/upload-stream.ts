/**
 * Upload memory/throughput bench: `npx tsx bench/upload-stream.ts [sizeMB]` (default 1024).
 *
 * The emulator runs in a child process so the RSS sampled here is the client's own. The file is a real
 * 1-second MP4 extended (sparsely) with zeros to the requested size, so the emulator's ffprobe accepts it
 * and the upload ends in a normal answer. The same file then goes up with `curl -F files=@…` for
 * comparison. Prints `{ sizeMB, client: { seconds, MBps, peakRssMB, baselineRssMB }, curl: { seconds, MBps }, ratio }`,
 * where `ratio` = client MBps / curl MBps (1 = as fast as curl).
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NemoClient, type NemoSessionRef, type SkillIdentity } from '../src/nemo/index.js';
import { makeClip } from './lib/media.js';

const run = promisify(execFile);
const MB = 1024 * 1024;
const SKILL: SkillIdentity = { source: 'video-models', version: '1.0.0', platform: 'unknown' };
const SERVE_FLAG = '--serve-emulator';

export interface UploadBenchResult {
  sizeMB: number;
  /** `baselineRssMB`: RSS just before the upload (tsx, its loader thread and the imported modules). */
  client: { seconds: number; MBps: number; peakRssMB: number; baselineRssMB: number };
  curl: { seconds: number; MBps: number };
  ratio: number;
}

/** Child mode: an emulator that takes files of any size, its URL printed as the first line. */
async function serveEmulator(): Promise<void> {
  const { startEmulator } = await import('../test/fakes/nemo/emulator.js');
  const emu = await startEmulator({ maxUploadBytes: Number.MAX_SAFE_INTEGER, tokensPerIpPer7Days: 1_000 });
  process.stdout.write(`${JSON.stringify({ url: emu.url })}\n`);
  const stop = () => void emu.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop); // the parent died: do not linger
  process.stdin.resume();
}

function startEmulatorChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), SERVE_FLAG], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`the emulator child exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n') && line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
  });
}

/** Samples this process's RSS every 50 ms; `stop()` returns the peak in MB. */
function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / MB;
    },
  };
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export async function runUploadBench(sizeMB = 1024): Promise<UploadBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'upload-bench-'));
  const { child, url } = await startEmulatorChild();
  try {
    const path = await makeClip(dir, sizeMB);
    const client = new NemoClient({
      baseUrl: url,
      skill: SKILL,
      rateLimitRetryMs: 1_000,
      renderPollMaxMs: 30_000,
      requestTimeoutMs: 120_000,
    });
    const anon = await client.getAnonymousToken(randomUUID());
    const creds = { token: async () => anon.token, refreshToken: async () => anon.token };
    const { sessionId } = await client.createSession(creds, {});
    const session: NemoSessionRef = {
      ...creds,
      sessionId: async () => sessionId,
      renewSession: async () => sessionId,
    };

    const baselineRssMB = process.memoryUsage().rss / MB;
    const rss = sampleRss();
    const clientStart = performance.now();
    await client.uploadFiles(session, [
      {
        name: 'bench.mp4',
        mimeType: 'video/mp4',
        size: sizeMB * MB,
        open: async () => createReadStream(path),
      },
    ]);
    const clientSeconds = (performance.now() - clientStart) / 1000;
    const peakRssMB = rss.stop();

    const curlStart = performance.now();
    const { stdout } = await run(
      'curl',
      [
        ...['-sS', '-o', '/dev/null', '-w', '%{http_code}'],
        ...['-H', `Authorization: Bearer ${anon.token}`],
        ...['-H', `X-Skill-Source: ${SKILL.source}`, '-H', `X-Skill-Version: ${SKILL.version}`],
        ...['-H', `X-Skill-Platform: ${SKILL.platform}`],
        ...['-F', `files=@${path};type=video/mp4`],
        `${url}/api/upload-video/nemo_agent/me/${sessionId}`,
      ],
      { maxBuffer: MB },
    );
    const curlSeconds = (performance.now() - curlStart) / 1000;
    if (stdout.trim() !== '200') throw new Error(`curl upload answered HTTP ${stdout.trim()}`);

    const clientMBps = sizeMB / clientSeconds;
    const curlMBps = sizeMB / curlSeconds;
    return {
      sizeMB,
      client: {
        seconds: round(clientSeconds),
        MBps: round(clientMBps),
        peakRssMB: round(peakRssMB, 1),
        baselineRssMB: round(baselineRssMB, 1),
      },
      curl: { seconds: round(curlSeconds), MBps: round(curlMBps) },
      ratio: round(clientMBps / curlMBps),
    };
  } finally {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (process.argv.includes(SERVE_FLAG)) {
  await serveEmulator();
} else if (invokedDirectly) {
  const sizeMB = Number(process.argv[2] ?? 1024);
  if (!Number.isInteger(sizeMB) || sizeMB < 1) {
    console.error('usage: npx tsx bench/upload-stream.ts [sizeMB, a whole number ≥ 1]');
    process.exit(1);
  }
  console.log(JSON.stringify(await runUploadBench(sizeMB)));
}
