/**
 * The image check (issue 11): builds ./Dockerfile's runtime target with buildah (chroot isolation, the only
 * container runtime that works on this machine; see DESIGN.md) through the shared `image.sh`, runs the image's
 * own ENTRYPOINT + CMD against a fake Telegram, the NemoVideo emulator and the suite's redis-server, has a chat
 * answered, runs the image's HEALTHCHECK command in a second container of the same image, then stops the bot
 * with SIGTERM sent to its PID 1 (as `docker stop` does) and sees the same health check fail.
 *
 * Needs root and `image.sh` (CI has both: `../shared/tools/image.sh` beside the clone; `npm test` installs
 * buildah when missing). Elsewhere the file is skipped, with the reason printed.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/server.js';
import { freePort } from '../setup/redis-server.js';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const TAG = 'localhost/nemo-video-chat-bot:image-check';
const TOKEN = '987654321:AAImageCheckTokenAAAAAAAAAAAAAAAAAAA';
/** A cold build on a loaded 2-core machine: full npm ci, tsc, then the runtime's npm ci. Cached layers after. */
const BUILD_TIMEOUT_MS = 30 * 60_000;
const RUN_TIMEOUT_MS = 3 * 60_000;

const imageScript = [
  process.env['IMAGE_SH'],
  `${repo}../shared/tools/image.sh`,
  '/work/shared/tools/image.sh',
].find((path): path is string => !!path && existsSync(path));
const skipReason = !imageScript
  ? 'no image.sh (set IMAGE_SH or put shared/ beside the clone)'
  : process.getuid?.() !== 0
    ? 'image.sh needs root (buildah chroot)'
    : undefined;
if (skipReason) console.warn(`image check skipped: ${skipReason}`);

interface ImageConfig {
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  User: string;
  Healthcheck?: { Test: string[] };
}

async function inspect(tag: string): Promise<ImageConfig> {
  const { stdout } = await run('buildah', ['inspect', '--type', 'image', tag], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { Docker: { config: ImageConfig } }).Docker.config;
}

/** The health check's command as Docker runs it: CMD-SHELL through /bin/sh, CMD as given. */
function healthcheckArgv(test: string[]): string[] {
  const [kind, ...rest] = test;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  if (kind === 'CMD') return rest;
  throw new Error(`unexpected HEALTHCHECK ${JSON.stringify(test)}`);
}

/** `image.sh run TAG -e K=V … -- argv`, in its own process group so the whole container can be signalled. */
function runContainer(env: Record<string, string>, argv: string[]): ChildProcess {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return spawn('bash', [imageScript!, 'run', TAG, ...envArgs, '--', ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/**
 * The container's PID 1 as Docker would see it: the `comm` process in the process group `image.sh` leads.
 * `docker stop` signals PID 1 (tini, which forwards to node); signalling buildah instead would kill the bot.
 */
function processInGroup(groupId: number, comm: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces, so split after its closing parenthesis.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const [, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (name === comm && Number(pgrp) === groupId) return Number(entry);
  }
  throw new Error(`no ${comm} process in group ${groupId}`);
}

async function runHealthcheck(config: ImageConfig, httpPort: number): Promise<number | null> {
  const check = runContainer({ HTTP_PORT: String(httpPort) }, healthcheckArgv(config.Healthcheck!.Test));
  const [code] = await once(check, 'exit');
  return code as number | null;
}

describe.skipIf(!!skipReason)('the image', () => {
  let config: ImageConfig;
  let emulator: Emulator;
  let telegram: FakeTelegram;
  let bot: ChildProcess | undefined;
  let botLog = '';
  let httpPort: number;

  beforeAll(async () => {
    await run('bash', [imageScript!, 'build', TAG, '--format', 'docker', '--target', 'runtime'], {
      cwd: repo,
      maxBuffer: 64 * 1024 * 1024,
      timeout: BUILD_TIMEOUT_MS,
    });
    config = await inspect(TAG);
    emulator = await startEmulator();
    telegram = await startFakeTelegram({ token: TOKEN });
    httpPort = await freePort();
  }, BUILD_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    if (bot && bot.exitCode === null && bot.pid) {
      process.kill(-bot.pid, 'SIGKILL');
      await once(bot, 'exit');
    }
    await telegram?.close();
    await emulator?.close();
  });

  it('runs compiled JavaScript with no loader, as node, under tini, with heap caps', () => {
    expect(config.Entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(config.Cmd?.[0]).toBe('node');
    expect(config.Cmd?.at(-1)).toBe('dist/adapters/main.js');
    expect(config.Cmd?.join(' ')).not.toMatch(/tsx|--import|--loader/);
    expect(config.Cmd).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
    expect(config.User).toBe('node');
    expect(config.Healthcheck?.Test[0]).toMatch(/^CMD/);
  });

  it(
    'starts from its ENTRYPOINT and CMD, answers a Telegram chat, and passes its HEALTHCHECK',
    async () => {
      bot = runContainer(
        {
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: telegram.apiRoot,
          NEMO_API_BASE: emulator.url,
          REDIS_URL: `${inject('redisUrl')}/7`,
          HTTP_PORT: String(httpPort),
          LOG_LEVEL: 'info',
        },
        [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])],
      );
      bot.stdout!.on('data', (chunk: Buffer) => {
        botLog += chunk.toString();
      });
      bot.stderr!.on('data', (chunk: Buffer) => {
        botLog += chunk.toString();
      });
      const exitedEarly = once(bot, 'exit').then(([code]) => {
        throw new Error(`the container exited (${code}) before the check: ${botLog}`);
      });
      exitedEarly.catch(() => undefined);

      // Started once it polls Telegram; then a chat gets its answer from the compiled code.
      await Promise.race([telegram.waitFor('getUpdates', () => true, RUN_TIMEOUT_MS), exitedEarly]);
      telegram.pushUpdate(telegram.textMessage({ chatId: 4242, text: 'credits' }));
      const reply = await Promise.race([
        telegram.waitFor(
          'sendMessage',
          (call) => call.params['chat_id'] === 4242 && /100/.test(String(call.params['text'])),
          RUN_TIMEOUT_MS,
        ),
        exitedEarly,
      ]);
      expect(String(reply.params['text'])).toMatch(/credit/i);

      expect(await runHealthcheck(config, httpPort)).toBe(0);
      expect(botLog).not.toContain(TOKEN);
    },
    RUN_TIMEOUT_MS * 2,
  );

  it(
    'shuts down on SIGTERM, after which the HEALTHCHECK fails',
    async () => {
      expect(bot?.exitCode).toBeNull();
      const exited = once(bot!, 'exit');
      process.kill(processInGroup(bot!.pid!, 'tini'), 'SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(botLog).toContain('SIGTERM: shutting down');
      expect(await runHealthcheck(config, httpPort)).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );
});
