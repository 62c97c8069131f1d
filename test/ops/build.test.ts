import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildError, buildIfStale, isFresh, sourceFingerprint } from '../../scripts/build.mjs';

const repo = new URL('../../', import.meta.url).pathname;

/** A two-file project with the real tsconfigs and node_modules, so tsc runs as it does for the bot. */
function makeProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'build-test-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'adapters'));
  writeFileSync(
    join(root, 'src', 'greet.ts'),
    "export const greet = (name: string): string => 'hi ' + name;\n",
  );
  writeFileSync(
    join(root, 'adapters', 'main.ts'),
    "import { greet } from '../src/greet.js';\nprocess.stdout.write(greet('there'));\n",
  );
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json'])
    cpSync(join(repo, file), join(root, file));
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  return root;
}

/** Each compile runs tsc over @types/node: seconds, more on a loaded machine. */
const COMPILE_TIMEOUT_MS = 120_000;

describe('the build behind npm start', () => {
  let root: string;
  beforeAll(() => {
    root = makeProject();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(
    'builds dist/ when it is missing, then not again while the sources are unchanged',
    () => {
      expect(isFresh(root)).toBe(false);
      expect(buildIfStale(root)).toBe(true);
      expect(existsSync(join(root, 'dist', 'adapters', 'main.js'))).toBe(true);
      expect(existsSync(join(root, 'dist', 'src', 'greet.js'))).toBe(true);
      expect(isFresh(root)).toBe(true);
      expect(buildIfStale(root)).toBe(false);
    },
    COMPILE_TIMEOUT_MS,
  );

  it('sees a touched, an added and a deleted source as stale', () => {
    const before = sourceFingerprint(root);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'src', 'greet.ts'), later, later);
    const touched = sourceFingerprint(root);
    expect(touched).not.toBe(before);
    writeFileSync(join(root, 'src', 'extra.ts'), 'export const extra = 1;\n');
    const added = sourceFingerprint(root);
    expect(added).not.toBe(touched);
    rmSync(join(root, 'src', 'extra.ts'));
    expect(sourceFingerprint(root)).toBe(touched);
    expect(isFresh(root)).toBe(false);
  });

  it(
    'keeps the last good dist/ and says so when the sources do not compile',
    () => {
      writeFileSync(join(root, 'src', 'greet.ts'), 'export const greet = (name: string): number => name;\n');
      expect(() => buildIfStale(root)).toThrow(BuildError);
      expect(existsSync(join(root, 'dist', 'adapters', 'main.js'))).toBe(true);
      expect(isFresh(root)).toBe(false);
    },
    COMPILE_TIMEOUT_MS,
  );
});
