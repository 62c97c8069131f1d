/**
 * The bench's measured parts run as child processes, so their RSS and CPU are their own. They talk to the
 * parent in JSON lines: the child's first stdout line says it is ready (with whatever the parent needs, e.g.
 * its URL), then each command line on stdin gets one answer line. Logs go to stderr, never stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

type Handler = (args: Record<string, unknown>) => unknown;

interface Request {
  id: number;
  cmd: string;
  args?: Record<string, unknown>;
}

const send = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** Child side: announce `ready`, then answer commands; when the parent closes stdin, `close` runs, then exit. */
export function serveCommands(
  ready: unknown,
  handlers: Record<string, Handler>,
  close: () => Promise<unknown> = async () => undefined,
): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const request = JSON.parse(line) as Request;
    const handler = handlers[request.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${request.cmd}`);
        return handler(request.args ?? {});
      })
      .then(
        (result) => send({ id: request.id, result: result ?? null }),
        (error: Error) => send({ id: request.id, error: error.stack ?? String(error) }),
      );
  });
  // The parent is done (or went away): clean up, and do not linger holding ports.
  lines.on('close', () => {
    const exit = () => process.exit(0);
    const force = setTimeout(exit, 10_000);
    force.unref();
    close().then(exit, exit);
  });
  send({ ready });
}

export interface Child<Ready> {
  ready: Ready;
  pid: number;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Closes the child's stdin (it cleans up and exits), waits for the exit, kills it after a grace time. */
  stop(): Promise<void>;
  /** Ends the child at once (a bot in the middle of 1,000 streams has nothing worth winding down). */
  kill(): Promise<void>;
}

/** Parent side: starts `script` (a path relative to bench/) under tsx and waits for its ready line. */
export async function startChild<Ready>(
  script: string,
  env: Record<string, string> = {},
): Promise<Child<Ready>> {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let readyResolve!: (v: Ready) => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<Ready>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: { ready?: Ready; id?: number; result?: unknown; error?: string };
    try {
      message = JSON.parse(line);
    } catch {
      process.stderr.write(`[${script}] ${line}\n`);
      return;
    }
    if ('ready' in message) return readyResolve(message.ready as Ready);
    const waiter = pending.get(message.id!);
    pending.delete(message.id!);
    if (!waiter) return;
    if (message.error !== undefined) waiter.reject(new Error(`${script}: ${message.error}`));
    else waiter.resolve(message.result);
  });
  void exited.then(([code]) => {
    const error = new Error(`${script} exited with ${code}`);
    readyReject(error);
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });

  const call = <T>(cmd: string, args?: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.stdin!.write(`${JSON.stringify({ id, cmd, args })}\n`);
    });

  async function stop(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdin!.end();
    await exited;
    clearTimeout(killer);
  }

  async function kill(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  }

  return { ready: await ready, pid: child.pid!, call, stop, kill };
}
