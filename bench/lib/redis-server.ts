/** A redis-server of the bench's own on a free loopback port, with persistence off, and ways to read it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';
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
   * Counts the commands the connections touching `keyPrefix` send from now until `stop()`, by watching
   * MONITOR: the store's connection, not the job engine's (whose blocking polls never stop). Commands a Lua
   * script runs are left out: the script is one round trip. MONITOR slows Redis down, so never count during timing.
   */
  countCommands(keyPrefix: string): Promise<{ stop(): Promise<Map<string, number>> }>;
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
    async countCommands(keyPrefix) {
      // A raw socket: ioredis's monitor mode can lose track of its replies under constant traffic.
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const perSource = new Map<string, Map<string, number>>();
      const storeSources = new Set<string>();
      // +1795309626.015507 [0 127.0.0.1:38084] "hgetall" "nemo:chat:telegram:1"
      const line = /^\+[\d.]+ \[\d+ ([^\]]+)\] "([^"]+)"(.*)$/;
      createInterface({ input: socket }).on('line', (text) => {
        const match = line.exec(text);
        if (!match || match[1] === 'lua') return;
        const [, source, command, rest] = match as unknown as [string, string, string, string];
        if (rest.includes(` "${keyPrefix}`)) storeSources.add(source);
        const counts = perSource.get(source) ?? new Map<string, number>();
        counts.set(command.toLowerCase(), (counts.get(command.toLowerCase()) ?? 0) + 1);
        perSource.set(source, counts);
      });
      socket.write('MONITOR\r\n');
      return {
        async stop() {
          socket.destroy();
          const total = new Map<string, number>();
          for (const source of storeSources) {
            for (const [command, n] of perSource.get(source) ?? [])
              total.set(command, (total.get(command) ?? 0) + n);
          }
          return total;
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
