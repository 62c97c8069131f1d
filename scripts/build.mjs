#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ and adapters/ to dist/ with tsc (tsconfig.build.json).
 * `--if-stale`: builds only when dist/ is missing or older than its sources, so `npm start` stays fast when
 * nothing changed. Staleness is a fingerprint of every source's path, size and mtime (a touched, added or
 * deleted file counts), kept in dist/.build-stamp; computing it stats about a hundred files, a few milliseconds.
 * tsc writes into a scratch folder that then replaces dist/, so a half-written dist/ never runs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = '.build-stamp';
const SOURCE_DIRS = ['src', 'adapters'];
const SOURCE_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a missing folder is part of the fingerprint by its absence
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** One hash over every input's path, size and mtime. */
export function sourceFingerprint(root = PROJECT_ROOT) {
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => [...walk(join(root, dir))]),
    ...SOURCE_FILES.map((f) => join(root, f)),
  ];
  const hash = createHash('sha1');
  for (const file of files.sort()) {
    const stat = statSync(file, { throwIfNoEntry: false });
    hash.update(`${relative(root, file)}\0${stat?.size ?? -1}\0${stat?.mtimeMs ?? -1}\n`);
  }
  return hash.digest('hex');
}

/** True when dist/ holds the build of the sources as they are now. */
export function isFresh(root = PROJECT_ROOT) {
  try {
    return readFileSync(join(root, 'dist', STAMP), 'utf8') === sourceFingerprint(root);
  } catch {
    return false;
  }
}

export class BuildError extends Error {}

/** Compiles into a scratch folder, stamps it with the fingerprint taken before compiling, then swaps it in. */
export function build(root = PROJECT_ROOT) {
  const fingerprint = sourceFingerprint(root);
  const dist = join(root, 'dist');
  const scratch = `${dist}.${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new BuildError('typescript is not installed; run `npm ci` (with dev dependencies) first');
  }
  // stdin ignored and tsc's output on stderr: in console mode stdin and stdout belong to the chat.
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', scratch],
    {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    },
  );
  if (result.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new BuildError(`tsc failed (exit ${result.status ?? result.signal})`);
  }
  writeFileSync(join(scratch, STAMP), fingerprint);
  rmSync(dist, { recursive: true, force: true });
  renameSync(scratch, dist);
}

/** Builds when dist/ is missing or stale; returns whether it built. */
export function buildIfStale(root = PROJECT_ROOT) {
  if (isFresh(root)) return false;
  process.stderr.write('build: dist/ is missing or older than the sources; compiling…\n');
  build(root);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    if (process.argv.includes('--if-stale')) buildIfStale();
    else build();
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    process.stderr.write(`build: ${error.message}\n`);
    process.exit(1);
  }
}
