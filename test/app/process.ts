import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';

/** The command the Docker image runs (Dockerfile CMD), started the same way here. */
export const START_COMMAND = ['node', ['--import', 'tsx', 'adapters/main.ts']] as const;

export interface BotProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts the bot as the image does. `stdin`: 'pipe' keeps a pipe open, a string is written to it and ends it,
 * `{ file }` opens that path as stdin (`< /dev/null`, `< script.txt`), `{ shellPipe }` runs the command behind
 * a real shell pipe (a FIFO, as `printf … | npm start`; Node's own 'pipe' is a socket).
 */
export function startBotProcess(
  env: Record<string, string>,
  stdin: 'pipe' | string | { file: string } | { shellPipe: string } = 'pipe',
): BotProcess {
  // Only what the test gives: no operator token or platform token leaks in from the developer's shell.
  const options = {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  };
  const fd = typeof stdin === 'object' && 'file' in stdin ? openSync(stdin.file, 'r') : undefined;
  const child =
    typeof stdin === 'object' && 'shellPipe' in stdin
      ? spawn(
          'bash',
          ['-c', `printf %s "$BOT_INPUT" | exec ${START_COMMAND[0]} ${START_COMMAND[1].join(' ')}`],
          {
            ...options,
            env: { ...options.env, BOT_INPUT: stdin.shellPipe },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
      : spawn(START_COMMAND[0], [...START_COMMAND[1]], { ...options, stdio: [fd ?? 'pipe', 'pipe', 'pipe'] });
  if (fd !== undefined) closeSync(fd);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  if (typeof stdin === 'string' && stdin !== 'pipe') child.stdin!.end(stdin);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls until `probe` resolves truthy; fails with the process's stderr for context. */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined>,
  bot: BotProcess,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (bot.child.exitCode !== null)
      throw new Error(`bot exited early (${bot.child.exitCode}): ${bot.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out; bot stderr:\n${bot.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
