import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

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

export function startBotProcess(
  env: Record<string, string>,
  stdin: 'pipe' | string = 'pipe',
  command: readonly [string, readonly string[]] = START_COMMAND,
): BotProcess {
  const child = spawn(command[0], [...command[1]], {
    cwd: process.cwd(),
    // Only what the test gives: no operator token or platform token leaks in from the developer's shell.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  if (stdin !== 'pipe') child.stdin!.end(stdin);
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
