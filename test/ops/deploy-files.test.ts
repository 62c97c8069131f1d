import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer, startHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { block, childKeys, type DockerStage, parseDockerfile, values } from './text-config.js';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

/** `tsx adapters/main.ts` → `adapters/main.ts`. */
const scriptEntry = (script: string) => /^tsx\s+(\S+\.ts)$/.exec(pkg.scripts[script] ?? '')?.[1];
const pkgDev = (pkg as unknown as { devDependencies: Record<string, string> }).devDependencies;

const stages = parseDockerfile(read('Dockerfile'));
const stage = (name: string): DockerStage => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`Dockerfile has no stage ${name}`);
  return found;
};
const args = (s: DockerStage, op: string) => s.instructions.filter((i) => i.op === op).map((i) => i.args);
const jsonArgs = (s: DockerStage, op: string) => {
  const last = args(s, op).at(-1);
  return last ? (JSON.parse(last) as string[]) : [];
};

describe('Dockerfile', () => {
  it('has a build, an emulator and a runtime stage, runtime last so a plain build makes the bot image', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'emulator', 'runtime']);
    expect(stage('build').from).toBe('node:20-bookworm-slim');
    expect(stage('runtime').from).toBe('node:20-bookworm-slim');
    expect(stage('emulator').from).toBe('build');
  });

  it('compiles (and so type-checks) the bot in the build stage with every dependency', () => {
    const runs = args(stage('build'), 'RUN');
    expect(runs).toContainEqual(expect.stringMatching(/^npm ci\b/));
    expect(runs).toContainEqual(expect.stringMatching(/^npm run build$/));
    expect(pkg.scripts['build']).toBe('node scripts/build.mjs');
  });

  it('runs the compiled start entry with production dependencies only, under tini, as node', () => {
    const runtime = stage('runtime');
    const cmd = jsonArgs(runtime, 'CMD');
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('dist/adapters/main.js');
    // No loader at run time: TypeScript is compiled in the build stage, tsx is a dev tool.
    expect(cmd.join(' ')).not.toMatch(/tsx|--import|--loader/);
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkgDev).toHaveProperty('tsx');
    expect(pkg.scripts['start']).toBe('node scripts/start.mjs');
    // Production heap settings, as the README gives them.
    expect(cmd).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
    expect(cmd).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
    expect(args(runtime, 'RUN')).toContainEqual(expect.stringMatching(/npm ci --omit=dev/));
    expect(jsonArgs(runtime, 'ENTRYPOINT')).toEqual(['/usr/bin/tini', '--']);
    expect(args(runtime, 'RUN')).toContainEqual(expect.stringMatching(/apt-get install .*\btini\b/));
    const copied = args(runtime, 'COPY');
    expect(copied).toContain('package.json package-lock.json ./');
    expect(copied).toContain('--from=build /app/dist ./dist');
    expect(copied.join(' ')).not.toMatch(/\b(test|src|adapters)\b/);
  });

  it('drops root before CMD and keeps ffmpeg out of the bot image unless built for the local engine', () => {
    const runtime = stage('runtime');
    const ops = runtime.instructions.map((i) => i.op);
    expect(args(runtime, 'USER')).toEqual(['node']);
    expect(ops.lastIndexOf('USER')).toBeLessThan(ops.lastIndexOf('CMD'));
    expect(args(runtime, 'ARG')).toContain('LOCAL_ENGINE=0');
    const runs = args(runtime, 'RUN').join(' ');
    // ffmpeg is installed only inside the LOCAL_ENGINE=1 branch.
    expect(runs.replace(/if \[ "\$LOCAL_ENGINE" = 1 \]; then[^;]*;\s*\\?\s*fi/, '')).not.toContain('ffmpeg');
    expect(runs).toMatch(
      /if \[ "\$LOCAL_ENGINE" = 1 \]; then\s*\\?\s*apt-get install .*\bffmpeg\b.*\bfonts-dejavu-core\b/,
    );
  });

  it('declares the production environment, port, stop signal and health check', () => {
    const runtime = stage('runtime');
    const env = args(runtime, 'ENV').join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bHTTP_PORT=8080\b/);
    expect(args(runtime, 'EXPOSE')).toEqual(['8080']);
    expect(args(runtime, 'STOPSIGNAL')).toEqual(['SIGTERM']);
    expect(args(runtime, 'HEALTHCHECK')).toEqual([expect.stringMatching(/CMD node -e ".*\/healthz.*"$/)]);
  });

  it('builds the emulator from the build stage, with ffmpeg, running the emulator script entry', () => {
    const emulator = stage('emulator');
    expect(args(emulator, 'RUN')).toContainEqual(expect.stringMatching(/apt-get install .*\bffmpeg\b/));
    expect(jsonArgs(emulator, 'CMD')).toEqual(['node', '--import', 'tsx', scriptEntry('emulator')]);
    expect(args(emulator, 'ENV').join(' ')).toMatch(/\bEMULATOR_PORT=4010\b/);
    expect(args(emulator, 'EXPOSE')).toEqual(['4010']);
    expect(args(emulator, 'USER')).toEqual(['node']);
  });

  it('keeps secrets, dependencies and git history out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'node_modules', '.git']) expect(ignored).toContain(entry);
  });
});

const composeLines = read('docker-compose.yml').split('\n');
const services = block(composeLines, 'services');
const service = (name: string) => block(services, name, 2);
const field = (name: string, key: string) => block(service(name), key, 4);
const text = (lines: string[]) => lines.join('\n');

describe('docker-compose.yml', () => {
  it('defines redis and bot always, the local Bot API and the emulator behind profiles', () => {
    expect(childKeys(services, 2)).toEqual(['redis', 'bot', 'telegram-bot-api', 'emulator']);
    expect(field('redis', 'profiles')).toEqual([]);
    expect(field('bot', 'profiles')).toEqual([]);
    expect(values(field('telegram-bot-api', 'profiles'))).toEqual(['["local-bot-api"]']);
    expect(values(field('emulator', 'profiles'))).toEqual(['["dev"]']);
  });

  it('runs Redis 7 with an every-second AOF on a named volume, health-checked by ping', () => {
    expect(values(field('redis', 'image'))).toEqual(['redis:7-alpine']);
    const command = JSON.parse(values(field('redis', 'command'))[0]!) as string[];
    expect(command.join(' ')).toContain('--appendonly yes --appendfsync everysec');
    expect(values(field('redis', 'volumes'))).toEqual(['redis-data:/data']);
    expect(text(field('redis', 'healthcheck'))).toMatch(/test: \["CMD", "redis-cli", "ping"\]/);
  });

  it('builds the bot from the runtime stage, wired to .env, Redis and the Bot API volume', () => {
    expect(values(field('bot', 'build'))).toEqual(['context: .', 'target: runtime']);
    expect(values(field('bot', 'env_file'))).toEqual(['.env']);
    expect(values(field('bot', 'environment'))).toContain('REDIS_URL: redis://redis:6379');
    expect(values(field('bot', 'environment'))).toContain('HTTP_PORT: "8080"');
    // The local-bot-api setup says the root is a local server (only that lifts the 20 MB limit); .env wins.
    expect(values(field('bot', 'environment'))).toContainEqual(
      expect.stringMatching(
        /^TELEGRAM_LOCAL_BOT_API: \$\{TELEGRAM_LOCAL_BOT_API:-\$\{TELEGRAM_API_ID:\+true\}\}$/,
      ),
    );
    expect(values(field('bot', 'depends_on'))).toEqual(['redis:', 'condition: service_healthy']);
    expect(values(field('bot', 'volumes'))).toEqual(['telegram-bot-api-data:/var/lib/telegram-bot-api:ro']);
    expect(values(field('bot', 'ports'))).toEqual(['8080:8080']);
    expect(values(field('bot', 'restart'))).toEqual(['unless-stopped']);
    expect(text(field('bot', 'healthcheck'))).toContain('/healthz');
  });

  it('runs the local Bot API in local mode on the shared volume', () => {
    expect(values(field('telegram-bot-api', 'image'))[0]).toMatch(/^aiogram\/telegram-bot-api:/);
    const env = values(field('telegram-bot-api', 'environment'));
    expect(env).toContain('TELEGRAM_LOCAL: "1"');
    expect(env).toContainEqual(expect.stringMatching(/^TELEGRAM_API_ID: \$\{TELEGRAM_API_ID/));
    expect(env).toContainEqual(expect.stringMatching(/^TELEGRAM_API_HASH: \$\{TELEGRAM_API_HASH/));
    expect(values(field('telegram-bot-api', 'volumes'))).toEqual([
      'telegram-bot-api-data:/var/lib/telegram-bot-api',
    ]);
  });

  it('builds the emulator target on port 4010 and says how to point the bot at it', () => {
    expect(values(field('emulator', 'build'))).toEqual(['context: .', 'target: emulator']);
    expect(values(field('emulator', 'ports'))).toEqual(['4010:4010']);
    const header = composeLines.filter((line) => line.startsWith('#')).join('\n');
    expect(header).toContain('NEMO_API_BASE=http://emulator:4010');
    expect(header).toContain('TELEGRAM_API_ROOT=http://telegram-bot-api:8081');
  });

  it('declares every named volume a service mounts', () => {
    const mounted = new Set(
      ['redis', 'bot', 'telegram-bot-api', 'emulator']
        .flatMap((name) => values(field(name, 'volumes')))
        .map((mount) => mount.split(':')[0]!)
        .filter((source) => !source.startsWith('.') && !source.startsWith('/')),
    );
    expect(new Set(childKeys(block(composeLines, 'volumes'), 2))).toEqual(mounted);
    expect(mounted).toEqual(new Set(['redis-data', 'telegram-bot-api-data']));
  });
});

describe('health check commands against the real server', () => {
  let server: HttpServer;
  let healthy = true;

  beforeAll(async () => {
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      log: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      health: async () => ({ ok: healthy, checks: { store: healthy } }),
    });
  });
  afterAll(() => server.close());

  const dockerfileScript = /\bCMD node -e "(.*)"$/.exec(args(stage('runtime'), 'HEALTHCHECK')[0] ?? '')?.[1];
  const composeTest = /test: (\[.*\])$/m.exec(text(field('bot', 'healthcheck')))?.[1];
  const composeScript = composeTest ? (JSON.parse(composeTest) as string[]).at(-1) : undefined;

  it.each([
    ['Dockerfile HEALTHCHECK', dockerfileScript],
    ['compose healthcheck', composeScript],
  ])('%s exits 0 when healthy and 1 when not', async (_name, script) => {
    expect(script).toBeDefined();
    const run = () =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['-e', script!], {
          env: { ...process.env, HTTP_PORT: String(server.port) },
          stdio: 'ignore',
        });
        child.once('error', reject);
        child.once('exit', resolve);
      });
    healthy = true;
    expect(await run()).toBe(0);
    healthy = false;
    expect(await run()).toBe(1);
  });
});
