/**
 * The process-wide undici dispatcher as the running app has it. Each undici copy installs its own Agent at
 * `Symbol.for('undici.globalDispatcher.1')` when it loads, unless one is there already. The app loads the
 * nemo client (the project's undici 7) before discord.js, so undici 7's Agent is the one `@discordjs/rest`
 * (undici 6) falls back to. A test file that imports discord.js first gets undici 6's instead, and would
 * never see the collision: this puts the app's state in place, whatever the import order.
 */
import { Agent, setGlobalDispatcher } from 'undici';

const CURRENT = Symbol.for('undici.globalDispatcher.2');
const LEGACY = Symbol.for('undici.globalDispatcher.1');

type Globals = Record<symbol, unknown>;

/** Installs a fresh Agent of the project's undici as the global dispatcher; the result restores the old one. */
export function projectUndiciAsGlobalDispatcher(): { agent: Agent; restore(): Promise<void> } {
  const globals = globalThis as unknown as Globals;
  const before = { current: globals[CURRENT], legacy: globals[LEGACY] };
  const agent = new Agent();
  setGlobalDispatcher(agent);
  return {
    agent,
    async restore() {
      // Both properties stay writable once undici defined them.
      globals[CURRENT] = before.current;
      globals[LEGACY] = before.legacy;
      await agent.close();
    },
  };
}

/** The dispatcher every undici copy without its own would use now. */
export function globalDispatcher(): unknown {
  return (globalThis as unknown as Globals)[LEGACY];
}
