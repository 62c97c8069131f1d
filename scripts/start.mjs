#!/usr/bin/env node
/**
 * `npm start`: builds dist/ when it is missing or stale, then runs the compiled bot in this same process (no
 * loader, no second process: signals and piped stdin reach the bot as they would `node dist/adapters/main.js`).
 */
import { BuildError, buildIfStale } from './build.mjs';

try {
  buildIfStale();
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
}
await import('../dist/adapters/main.js');
