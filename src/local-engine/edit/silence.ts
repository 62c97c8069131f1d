/**
 * Where a clip is silent, by ffmpeg's silencedetect (a child process: the event loop never waits on it).
 * Used by "trim the pauses": the editor keeps what lies between the silences.
 */
import { spawn } from 'node:child_process';

export interface Span {
  fromMs: number;
  toMs: number;
}

export interface SilenceQuery {
  path: string;
  /** Source range to look at, ms. */
  fromMs: number;
  toMs: number;
  thresholdDb: number;
  minPauseMs: number;
  signal?: AbortSignal;
}

/** Silent spans inside the range, in source time (ms). */
export function detectSilences(query: SilenceQuery): Promise<Span[]> {
  const { path, fromMs, toMs, thresholdDb, minPauseMs } = query;
  const args = [
    ...['-hide_banner', '-nostdin', '-v', 'info'],
    ...['-ss', String(fromMs / 1000), '-t', String((toMs - fromMs) / 1000), '-i', path],
    ...[
      '-map',
      '0:a:0',
      '-af',
      `silencedetect=noise=${thresholdDb}dB:d=${minPauseMs / 1000}`,
      '-f',
      'null',
      '-',
    ],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], signal: query.signal });
    let log = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Only the silencedetect lines matter; keep memory flat on long clips.
      log += chunk
        .split('\n')
        .filter((line) => line.includes('silence_'))
        .join('\n');
      log += '\n';
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) {
        reject(new Error(`silencedetect failed with exit code ${code}`));
        return;
      }
      resolve(parseSilences(log, fromMs, toMs));
    });
  });
}

/** silencedetect's `silence_start: 2.01` / `silence_end: 4.02` lines → spans in source time. */
export function parseSilences(log: string, fromMs: number, toMs: number): Span[] {
  const spans: Span[] = [];
  let open: number | undefined;
  for (const match of log.matchAll(/silence_(start|end): (-?\d+(?:\.\d+)?)/g)) {
    const at = fromMs + Math.max(0, Number(match[2]) * 1000);
    if (match[1] === 'start') open = at;
    else if (open !== undefined) {
      spans.push({ fromMs: open, toMs: Math.min(at, toMs) });
      open = undefined;
    }
  }
  if (open !== undefined) spans.push({ fromMs: open, toMs });
  return spans;
}

/**
 * The spans to keep between silences. Each cut leaves `paddingMs` of quiet on either side so speech does
 * not start abruptly; pieces shorter than `minKeepMs` are dropped.
 */
export function keepBetween(range: Span, silences: Span[], paddingMs = 60, minKeepMs = 120): Span[] {
  const keep: Span[] = [];
  let cursor = range.fromMs;
  for (const silence of silences) {
    const end = silence.fromMs === range.fromMs ? range.fromMs : silence.fromMs + paddingMs;
    if (end - cursor >= minKeepMs) keep.push({ fromMs: cursor, toMs: Math.min(end, range.toMs) });
    cursor = silence.toMs === range.toMs ? range.toMs : Math.max(cursor, silence.toMs - paddingMs);
  }
  if (range.toMs - cursor >= minKeepMs) keep.push({ fromMs: cursor, toMs: range.toMs });
  return keep;
}
