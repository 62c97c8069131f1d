/**
 * One place for the property tests' fast-check settings. The seed is fixed so CI runs the same cases every
 * time; `FC_SEED` (a number) explores other cases and `FC_RUNS` scales the count, e.g.
 * `FC_SEED=$RANDOM FC_RUNS=20000 npx vitest run test/property`. A failure prints the seed and path to replay.
 */
import fc from 'fast-check';

const DEFAULT_SEED = 1_502_2026;
const DEFAULT_RUNS = 2000;

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isInteger(value) ? value : fallback;
}

export const PROPERTY_SEED = numberFromEnv('FC_SEED', DEFAULT_SEED);
const RUNS_SCALE = numberFromEnv('FC_RUNS', DEFAULT_RUNS) / DEFAULT_RUNS;

/** Runs per property: `runs` at the default scale (default 2000), scaled by FC_RUNS. */
export function runsOf(runs = DEFAULT_RUNS): number {
  return Math.max(1, Math.round(runs * RUNS_SCALE));
}

/** fast-check parameters with the fixed seed; `endOnFailure` so a failing run reports at once. */
export function params<T>(runs?: number): fc.Parameters<T> {
  return { seed: PROPERTY_SEED, numRuns: runsOf(runs), endOnFailure: true };
}

/** Asserts a synchronous property and returns how many inputs it tried (for the faults report). */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, runs?: number): number {
  const parameters = params<Ts>(runs);
  fc.assert(property, parameters);
  return parameters.numRuns!;
}

/** The same for an async property. */
export async function checkAsync<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts>,
  runs?: number,
): Promise<number> {
  const parameters = params<Ts>(runs);
  await fc.assert(property, parameters);
  return parameters.numRuns!;
}
