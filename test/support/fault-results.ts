/**
 * Figures for test/FAULTS.md. A property test or the fault matrix records, per class of input, how many
 * inputs it tried and what went wrong; each test file writes one JSON file into FAULT_RESULTS_DIR (set by
 * scripts/test.sh, else a folder under the OS temp dir), and scripts/faults-report.mjs renders the table.
 * Only what a test asserted is written: a failing test throws before its figures are recorded.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FaultFigures {
  /** Report section: `property` or `backend` (or another group). */
  group: string;
  /** Class of input, e.g. "router: arbitrary messages" or "credits: HTTP 503". */
  inputClass: string;
  inputs: number;
  crashes: number;
  lostJobs: number;
  duplicatedSideEffects: number;
  unanswered: number;
}

export function faultResultsDir(): string {
  return process.env['FAULT_RESULTS_DIR'] || join(tmpdir(), 'nemo-bot-fault-results');
}

/** Writes one file of figures (call it once per test, after its assertions passed). */
export function recordFigures(figures: FaultFigures[]): void {
  const dir = join(faultResultsDir(), 'figures');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${randomUUID()}.json`), JSON.stringify(figures));
}

/** Figures of a property test: every generated input was tried, none crashed. */
export function recordProperty(inputClass: string, inputs: number): void {
  recordFigures([
    {
      group: 'property',
      inputClass,
      inputs,
      crashes: 0,
      lostJobs: 0,
      duplicatedSideEffects: 0,
      unanswered: 0,
    },
  ]);
}
