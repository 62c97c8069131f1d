/**
 * Runs one ffmpeg render as a child process: progress from its `-progress pipe:1` lines (out_time_us
 * against the known output length), cancellation by SIGKILL (a render nobody wants needs no clean
 * trailer: the partial file is deleted), ffmpeg's own error text kept for the log.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface FfmpegRun {
  pid: number | undefined;
  /** Resolves when ffmpeg exited: ok, failed (with its stderr tail) or cancelled. */
  done: Promise<FfmpegOutcome>;
  cancel(): void;
}

export type FfmpegOutcome =
  | { status: 'completed' }
  | { status: 'cancelled' }
  | { status: 'failed'; error: string };

const STDERR_TAIL = 4000;

export function runFfmpeg(
  args: string[],
  durationMs: number,
  onProgress: (percent: number) => void,
  binary = 'ffmpeg',
): FfmpegRun {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let cancelled = false;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const match = /^out_time_us=(\d+)/.exec(line);
    if (!match || durationMs <= 0) return;
    const percent = Math.floor((Number(match[1]) / 1000 / durationMs) * 100);
    onProgress(Math.max(0, Math.min(99, percent)));
  });
  const done = new Promise<FfmpegOutcome>((resolve) => {
    child.once('error', (error) => resolve({ status: 'failed', error: error.message }));
    child.once('close', (code, signal) => {
      if (cancelled) resolve({ status: 'cancelled' });
      else if (code === 0) resolve({ status: 'completed' });
      else resolve({ status: 'failed', error: stderr.trim() || `ffmpeg exited with ${code ?? signal}` });
    });
  });
  return {
    pid: child.pid,
    done,
    cancel: () => {
      if (cancelled || child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      child.kill('SIGKILL');
    },
  };
}
