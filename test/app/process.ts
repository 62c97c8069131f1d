import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import type { WaitOptions } from '../support/wait-for.js';

/**
 * The command the Docker image runs (Dockerfile CMD, heap flags aside): the compiled bot, no loader.
 * test/setup/build.ts has built dist/ before any test starts.
 */
export const START_COMMAND = ['node', ['dist/adapters/main.js']] as const;

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
  command: readonly [string, readonly string[]] = START_COMMAND,
): BotProcess {
  // Only what the test gives: no operator token or platform token leaks in from the developer's shell.
  const options = {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  };
  const fd = typeof stdin === 'object' && 'file' in stdin ? openSync(stdin.file, 'r') : undefined;
  const child =
    typeof stdin === 'object' && 'shellPipe' in stdin
      ? spawn('bash', ['-c', `printf %s "$BOT_INPUT" | exec ${command[0]} ${command[1].join(' ')}`], {
          ...options,
          env: { ...options.env, BOT_INPUT: stdin.shellPipe },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(command[0], [...command[1]], { ...options, stdio: [fd ?? 'pipe', 'pipe', 'pipe'] });
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

/**
 * For `waitFor`: gives up at once if the bot exits on its own, and shows what it wrote to stderr when a wait
 * fails. A bot the test killed on purpose is watched no more.
 */
export function watching(bot: BotProcess): Pick<WaitOptions, 'failFast' | 'context'> {
  return {
    failFast: () =>
      bot.child.exitCode !== null || bot.child.signalCode !== null
        ? `the bot exited (${bot.child.exitCode ?? bot.child.signalCode})`
        : undefined,
    // Pino writes to stdout on a chat platform, to stderr in console mode: show the end of both.
    context: () =>
      `bot stdout (end):\n${bot.stdout().slice(-3000)}\nbot stderr (end):\n${bot.stderr().slice(-2000)}`,
  };
}
