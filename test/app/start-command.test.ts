import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { freePort } from '../setup/redis-server.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';
import { type BotProcess, startBotProcess, watching } from './process.js';

// The image's start command, against a real redis-server and the emulator: what an operator's
// health check and Prometheus see.
describe('the start command the image runs', () => {
  let emulator: Emulator;
  let bot: BotProcess;
  let port: number;

  beforeAll(async () => {
    emulator = await startEmulator();
    port = await freePort();
    bot = startBotProcess({
      REDIS_URL: `${inject('redisUrl')}/5`,
      HTTP_PORT: String(port),
      NEMO_API_BASE: emulator.url,
      LOG_LEVEL: 'info',
    });
  });

  afterAll(async () => {
    if (bot.child.exitCode === null) {
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await emulator.close();
  });

  it('answers /healthz with the store reachable', async () => {
    const health = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        return res.status === 200
          ? ((await res.json()) as { ok: boolean; checks: Record<string, unknown> })
          : undefined;
      },
      { deadline: deadlineIn(20_000), what: '/healthz to answer 200', ...watching(bot) },
    );
    expect(health.ok).toBe(true);
    expect(health.checks.store).toBe(true);
  });

  it('serves Prometheus metrics', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const body = await res.text();
    expect(body).toMatch(/# TYPE nemo_bot_updates_total counter/);
    expect(body).toMatch(/nemo_bot_process_resident_memory_bytes \d+/);
  });

  it('logs JSON lines to stderr (console mode keeps stdout for the chat) and says which store it uses', () => {
    const lines = bot.stderr().trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    const parsed = lines.map((line) => JSON.parse(line) as { msg?: string });
    expect(parsed.some((entry) => /Redis store/.test(entry.msg ?? ''))).toBe(true);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });
});

describe('npm start with piped stdin', () => {
  it("prints the balance for `printf 'credits\\n' | npm start`", async () => {
    const emulator = await startEmulator();
    try {
      // npm itself, as the README says: its start script checks dist/ is fresh, then runs the compiled bot.
      const bot = startBotProcess(
        { NEMO_API_BASE: emulator.url, HTTP_PORT: String(await freePort()), LOG_LEVEL: 'warn' },
        'credits\n',
        ['npm', ['start']],
      );
      expect(await bot.exited).toBe(0);
      expect(bot.stdout()).toMatch(/100/);
      expect(bot.stdout()).toMatch(/credit/i);
      // A fresh anonymous token was issued for the console chat and never printed.
      const token = [...emulator.tokens.keys()][0]!;
      expect(token).toMatch(/^nmv_usr_/);
      expect(bot.stdout() + bot.stderr()).not.toContain(token);
      expect(emulator.requestsTo('credits')).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });
});

describe('no platform token and nothing on stdin (a container or service without a terminal)', () => {
  let dir: string;
  let emulator: Emulator;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'start-stdin-'));
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  const NOTHING_TO_SERVE =
    /^Configuration error: no platform token is set and stdin is not a terminal or a pipe, .*set TELEGRAM_BOT_TOKEN, or DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID/;

  it('stdin from /dev/null: one line naming the variables to set, and a non-zero exit', async () => {
    const bot = startBotProcess({ NEMO_API_BASE: emulator.url, HTTP_PORT: '0' }, { file: '/dev/null' });
    expect(await bot.exited).toBe(1);
    const lines = bot.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(NOTHING_TO_SERVE);
    expect(bot.stdout()).toBe('');
    expect(emulator.requests).toEqual([]);
  });

  it('stdin from an empty file: the same line and exit', async () => {
    const empty = join(dir, 'empty.txt');
    await writeFile(empty, '');
    const bot = startBotProcess({ NEMO_API_BASE: emulator.url, HTTP_PORT: '0' }, { file: empty });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr().trim().split('\n')).toEqual([expect.stringMatching(NOTHING_TO_SERVE)]);
  });

  it('a script in a file (`npm start < script.txt`) runs like piped input', async () => {
    const script = join(dir, 'script.txt');
    await writeFile(script, 'credits\n');
    const bot = startBotProcess(
      { NEMO_API_BASE: emulator.url, HTTP_PORT: '0', LOG_LEVEL: 'warn' },
      { file: script },
    );
    expect(await bot.exited).toBe(0);
    expect(bot.stdout()).toMatch(/Credits: 100 available/);
  });

  it("a shell pipe (`printf 'credits\\n' | npm start`, a FIFO) still works", async () => {
    const bot = startBotProcess(
      { NEMO_API_BASE: emulator.url, HTTP_PORT: '0', LOG_LEVEL: 'warn' },
      { shellPipe: 'credits\n' },
    );
    expect(await bot.exited).toBe(0);
    expect(bot.stdout()).toMatch(/Credits: 100 available/);
  });
});

describe('a bad configuration', () => {
  it('stops start-up with one line naming the variable', async () => {
    const bot = startBotProcess({ NEMO_RENDER_POLL_MS: 'soon', HTTP_PORT: '0' }, '');
    expect(await bot.exited).toBe(1);
    const lines = bot.stderr().trim().split('\n');
    expect(lines).toEqual([
      'Configuration error: NEMO_RENDER_POLL_MS must be a whole number of milliseconds',
    ]);
  });
});
