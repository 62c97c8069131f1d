/**
 * Every log line the suite writes through `createLogger`, kept for the secrets scan. A setup file runs in
 * each test file's context, so the mock below wraps every logger the code under test makes: each line still
 * goes where it went (a test's own stream, or stdout), and a copy is written at the end of the file to
 * FAULT_RESULTS_DIR/logs, with the secrets the harnesses learned (issued tokens) in FAULT_RESULTS_DIR/secrets.
 * scripts/faults-report.mjs counts every secret in every line; that count must be zero.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, vi } from 'vitest';
import type { CreateLoggerOptions } from '../../src/logger.js';
import { faultResultsDir } from '../support/fault-results.js';
import { knownSecrets } from '../support/recording-port.js';

const captured: string[] = [];

vi.mock('../../src/logger.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/logger.js')>();
  return {
    ...original,
    createLogger(options: CreateLoggerOptions) {
      const target = options.destination ?? { write: (line: string) => process.stdout.write(line) };
      return original.createLogger({
        ...options,
        destination: {
          write(line: string) {
            captured.push(line);
            return target.write(line);
          },
        },
      });
    },
  };
});

afterAll(() => {
  const name = `${process.pid}-${randomUUID()}`;
  const logs = join(faultResultsDir(), 'logs');
  const secrets = join(faultResultsDir(), 'secrets');
  mkdirSync(logs, { recursive: true });
  mkdirSync(secrets, { recursive: true });
  writeFileSync(join(logs, `${name}.log`), captured.join(''));
  writeFileSync(join(secrets, `${name}.json`), JSON.stringify([...knownSecrets]));
  captured.length = 0;
});
