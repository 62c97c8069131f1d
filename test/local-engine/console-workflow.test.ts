/**
 * The README's quick start, whole: `NEMO_ENGINE=local npm start` in a terminal (the image's start command,
 * piped stdin), a path to a clip, "trim the pauses", "export" → an edited MP4 in ./downloads, measured.
 * No cloud, no emulator: the bot's own process runs the engine.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../setup/redis-server.js';
import { makeClipWithPauses, probe, silences } from './support.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-console-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('NEMO_ENGINE=local npm start', () => {
  it('edits the clip a user types the path of, and saves the MP4 in downloads/', async () => {
    const clip = await makeClipWithPauses(dir);
    // Run from the user's folder (downloads/ lands there), with the repository's tsx and entry point.
    const child = spawn(
      'node',
      [
        '--import',
        pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href,
        join(repo, 'adapters/main.ts'),
      ],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          NEMO_ENGINE: 'local',
          LOCAL_ENGINE_DIR: join(dir, 'engine'),
          LOCAL_ENGINE_PRESET: 'ultrafast',
          HTTP_PORT: String(await freePort()),
          LOG_LEVEL: 'warn',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin.end(`${clip}\ntrim the pauses\nexport\n`);
    const [code] = await once(child, 'exit');
    expect(code, stderr).toBe(0);

    expect(stdout).toMatch(/talk\.mp4/);
    expect(stdout).toMatch(/Removed 2 pauses/);
    expect(stdout).toMatch(/saved to downloads\//);
    const saved = await readdir(join(dir, 'downloads'));
    expect(saved).toHaveLength(1);
    const output = join(dir, 'downloads', saved[0]!);
    const info = await probe(output);
    expect(info.videoCodec).toBe('h264');
    expect(10 - info.durationSec).toBeGreaterThan(3.5);
    expect(await silences(output)).toEqual([]);
  }, 180_000);
});
