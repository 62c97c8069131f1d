import { execFileSync } from 'node:child_process';

/**
 * Tests that start the bot as a process run what the image runs: the compiled dist/. Built once here, before
 * any test file, when dist/ is missing or older than the sources (a no-op taking milliseconds otherwise).
 */
export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
