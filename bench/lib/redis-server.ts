/** A redis-server of the bench's own on a free loopback port, with persistence off, and ways to read it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface BenchRedis {
  url: string;
  version: string;
  /** Empties every key between runs. */
  flush(): Promise<void>;
  /**
   * Counts the commands clients send from now until `stop()`, by watching MONITOR. Commands a Lua script
   * runs are left out: the script is one round trip. MONITOR slows Redis down, so never count during timing.
   */
  countCommands(): Promise<{ stop(): Promise<Map<string, number>> }>;
  close(): Promise<void>;
}

export async function startRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(server, 'exit');
  let log = '';
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) resolve();
    });
    void exited.then(() => reject(new Error(`redis-server exited during start-up:\n${log}`)));
  });
  server.stdout!.resume();
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url);
  const info = await admin.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';

  return {
    url,
    version,
    async flush() {
      await admin.flushall();
    },
    async countCommands() {
      const watcher = new Redis(url);
      const monitor = await watcher.monitor();
      const counts = new Map<string, number>();
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source === 'lua') return;
        const name = String(args[0]).toLowerCase();
        counts.set(name, (counts.get(name) ?? 0) + 1);
      });
      return {
        async stop() {
          monitor.disconnect();
          watcher.disconnect();
          return counts;
        },
      };
    },
    async close() {
      admin.disconnect();
      server.kill('SIGTERM');
      await exited;
    },
  };
}
