/**
 * The Discord bot end to end, all on loopback: the real discord.js client through the adapter, logged in to
 * the fake Discord (gateway + REST + CDN), calling the real core, whose NemoClient talks to the NemoVideo
 * emulator and whose store is the real redis-server (own key prefix per harness). Timings are shortened so a
 * whole upload → edit → render → delivery takes about a second. As in the app, the project's undici 7 owns
 * the process-wide dispatcher, and the NemoClient (which passes none) sends on it.
 */
import { createHash } from 'node:crypto';
import type { Agent } from 'undici';
import { createDiscordAdapter, type DiscordAdapterOptions } from '../../../adapters/discord/client.js';
import type { Store } from '../../../src/store/store.js';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  type InteractionInput,
  type RecordedCall,
  type SentInteraction,
  startFakeDiscord,
} from '../../fakes/discord/server.js';
import type { EmulatedRender, Emulator, EmulatorOptions } from '../../fakes/nemo/emulator.js';
import { type CoreOptions, startCore } from '../../support/core.js';
import { projectUndiciAsGlobalDispatcher } from '../../support/undici-global.js';

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export interface E2EOptions {
  fake?: FakeDiscordOptions;
  adapter?: Pick<DiscordAdapterOptions, 'interactionTokenLifetimeMs' | 'editThrottleMs' | 'spenderRoleId'>;
  /** Access rules or a token key for the core. */
  core?: Pick<CoreOptions, 'access' | 'tokenKey'>;
  emulator?: EmulatorOptions;
  /** PROGRESS_INTERVAL_MS: also the job length past which the final answer pings the requester. */
  progressIntervalMs?: number;
}

export interface E2E {
  fake: FakeDiscord;
  emulator: Emulator;
  store: Store;
  logLines: string[];
  /** The project's undici Agent that is the process-wide dispatcher while the harness runs. */
  globalAgent: Agent;
  /** A channel no test used yet: one conversation (and one backend session) per test. */
  newChannel(): string;
  /** Sends an interaction; resolves once the core has finished with it (queued work included). */
  interact(input: InteractionInput): Promise<SentInteraction>;
  /** The REST calls answering this interaction: its callback and webhook calls, in order. */
  webhookCalls(sent: SentInteraction): RecordedCall[];
  /** Bot-token calls that post to a channel (the fallback once an interaction token is dead). */
  channelPosts(channelId: string): RecordedCall[];
  /** Renders the emulator made for the conversation in this channel. */
  rendersOf(channelId: string): Promise<EmulatedRender[]>;
  /** Every secret that must never reach Discord: the bot token, interaction tokens, backend tokens. */
  secrets(): string[];
  close(): Promise<void>;
}

/** How long the core may take with one interaction before the test fails with the calls so far. */
const INTERACTION_TIMEOUT_MS = 15_000;
let channelCount = 0;

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  // Before anything sends: the app loads the nemo client's undici before discord.js (see undici-global.ts).
  const globalDispatcher = projectUndiciAsGlobalDispatcher();
  const core = await startCore({
    keyPrefix: 'e2e-discord',
    // Every test opens its own conversation, each with its own anonymous token.
    emulator: { tokensPerIpPer7Days: 100, ...options.emulator },
    progressIntervalMs: options.progressIntervalMs ?? 200,
    ...options.core,
  });
  const { emulator, store, bot, log, logLines } = core;
  const fake = await startFakeDiscord({ heartbeatIntervalMs: 250, waitTimeoutMs: 10_000, ...options.fake });

  // The adapter awaits the core per interaction; this tells the test when that is over.
  const finished = new Map<string, () => void>();
  const adapter = createDiscordAdapter({
    token: fake.token,
    applicationId: fake.applicationId,
    apiRoot: fake.apiRoot,
    log,
    editThrottleMs: 50,
    ...options.adapter,
    handle: async (message, port) => {
      try {
        await bot.handle(message, port);
      } finally {
        finished.get(message.id)?.();
      }
    },
  });
  await adapter.start();

  const interactionTokens: string[] = [];

  return {
    fake,
    emulator,
    store,
    logLines,
    globalAgent: globalDispatcher.agent,
    newChannel: () => String(400_000_000_000_100_000n + BigInt(++channelCount)),
    async interact(input) {
      // A loaded machine can make discord.js miss a heartbeat ACK and reconnect: send once it is back.
      await fake.whenIdentified();
      return new Promise<SentInteraction>((resolve, reject) => {
        // The gateway delivers the interaction after this tick, so the waiter is in place in time.
        const sent = fake.sendInteraction(input);
        interactionTokens.push(sent.token);
        const timer = setTimeout(() => {
          const calls = fake.calls.map((c) => `${c.method} ${c.route} → ${c.status}`).join('\n  ');
          reject(new Error(`the core did not finish the interaction; Discord calls:\n  ${calls}`));
        }, INTERACTION_TIMEOUT_MS);
        finished.set(sent.id, () => {
          clearTimeout(timer);
          finished.delete(sent.id);
          resolve(sent);
        });
      });
    },
    webhookCalls: (sent) =>
      fake.calls.filter(
        (c) =>
          c.route === `/interactions/${sent.id}/${sent.token}/callback` ||
          c.route.startsWith(`/webhooks/${fake.applicationId}/${sent.token}`),
      ),
    channelPosts: (channelId) =>
      fake.calls.filter((c) => c.method === 'POST' && c.route === `/channels/${channelId}/messages`),
    async rendersOf(channelId) {
      const { sessionId } = await store.getChat(`discord:${channelId}`);
      return [...emulator.renders.values()].filter((r) => r.sessionId === sessionId);
    },
    secrets: () => [fake.token, ...interactionTokens, ...emulator.tokens.keys()],
    async close() {
      await adapter.stop();
      await core.close();
      await fake.close();
      await globalDispatcher.restore();
    },
  };
}

/**
 * Where a secret went that must not have: a message body or file name sent to Discord, or a log line. Calls
 * are named by position only, since their routes hold interaction tokens. Empty when all is clean.
 */
export function leakedSecrets(h: E2E): string[] {
  const secrets = h.secrets();
  const leaks: string[] = [];
  const check = (where: string, text: string) => {
    if (/nmv_usr_/.test(text) || secrets.some((secret) => text.includes(secret))) leaks.push(where);
  };
  for (const [index, call] of h.fake.calls.entries()) {
    const sent = JSON.stringify({ body: call.body, files: call.files.map((f) => f.name) });
    check(`call ${index} (${call.method})`, sent);
  }
  for (const [index, line] of h.logLines.entries()) check(`log line ${index}`, line);
  return leaks;
}

/** The conversation's one finished render and the bytes of its MP4, as the emulator serves them. */
export async function renderedFile(
  h: E2E,
  channelId: string,
): Promise<{ render: EmulatedRender; data: Buffer }> {
  const renders = await h.rendersOf(channelId);
  if (renders.length !== 1)
    throw new Error(`expected one render in channel ${channelId}, got ${renders.length}`);
  const render = renders[0]!;
  if (render.status !== 'completed' || !render.outputUrl)
    throw new Error(`render ${render.id} is ${render.status}`);
  const response = await fetch(render.outputUrl);
  if (!response.ok) throw new Error(`the emulator answered ${response.status} for ${render.outputUrl}`);
  return { render, data: Buffer.from(await response.arrayBuffer()) };
}
