/**
 * The one way a test waits for something that happens elsewhere (another process, a fake, Redis): check a
 * state until it holds, against a deadline the test set once. A test never sleeps to let something happen;
 * when the deadline passes, the error names what it was waiting for.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** When a test gives up, set once per test and shared by all its waits. */
export class Deadline {
  readonly at: number;

  constructor(readonly ms: number) {
    this.at = Date.now() + ms;
  }

  get passed(): boolean {
    return Date.now() >= this.at;
  }
}

/** A deadline `ms` from now. Give the test's own timeout some room over it, so this error is the one seen. */
export function deadlineIn(ms: number): Deadline {
  return new Deadline(ms);
}

export interface WaitOptions {
  deadline: Deadline;
  /** What is awaited, for the error: "every render to start". */
  what: string;
  /** More to say when it fails (a child process's stderr, what was seen so far). */
  context?: () => string;
  /** Checked on every round: a reason here fails the wait at once (a bot process that exited). */
  failFast?: () => string | undefined;
  /** Between checks; the default keeps a loaded 2-core machine responsive. */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 25;

/**
 * Resolves with the first truthy value of `condition`. A condition that throws counts as "not yet" (a server
 * still starting refuses the connection), and its last error is shown if the deadline passes.
 */
export async function waitFor<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions,
): Promise<T> {
  const interval = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const failure = options.failFast?.();
    if (failure) throw new Error(`gave up waiting for ${options.what}: ${failure}${more(options)}`);
    if (options.deadline.passed) {
      const cause = lastError ? `; last check threw: ${(lastError as Error).message ?? lastError}` : '';
      throw new Error(
        `timed out after ${options.deadline.ms} ms waiting for ${options.what}${cause}${more(options)}`,
      );
    }
    await sleep(interval);
  }
}

function more(options: WaitOptions): string {
  const text = options.context?.();
  return text ? `\n${text}` : '';
}
