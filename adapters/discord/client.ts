import { once } from 'node:events';
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import type { Logger } from 'pino';
import type { ChatPort, HandleMessage } from '../../src/messages.js';
import { ChannelPort } from './channel-port.js';
import { PRIVATE_COMMANDS } from './commands.js';
import { describeError } from './errors.js';
import { normalizeButton, normalizeCommand } from './normalize.js';
import { InteractionPort } from './port.js';
import { createDiscordDispatcher } from './rest-dispatcher.js';
import { text } from './texts.js';

export interface DiscordAdapterOptions {
  token: string;
  applicationId: string;
  /** REST root, e.g. `https://discord.com/api`; the gateway URL is discovered from it. */
  apiRoot: string;
  handle: HandleMessage;
  log: Logger;
  /** DISCORD_SPENDER_ROLE_ID: in guilds its holders count as admins (who may spend, per GROUP_SPENDERS). */
  spenderRoleId?: string;
  /** How long an interaction token is trusted (Discord: 15 minutes); shorter in tests. */
  interactionTokenLifetimeMs?: number;
  /** Least time between two edits of one message (default 2 s). */
  editThrottleMs?: number;
}

export interface DiscordAdapter {
  /** Logs in and resolves once the gateway session is ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends to a channel with the bot token, for a job with no interaction to answer (after a takeover). */
  portForChannel(): ChatPort;
}

type Handled = ChatInputCommandInteraction | ButtonInteraction;

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { log } = options;
  // Its own connection pool: the process-wide one may belong to another undici (see rest-dispatcher.ts).
  const dispatcher = createDiscordDispatcher();
  // Slash commands and buttons need no privileged intent (no Message Content); Guilds keeps guilds,
  // channels and roles cached for threads and the spender role. Mentions are off unless a message asks.
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    // Past 2,500 guilds Discord requires shards: take the count the gateway recommends.
    shards: 'auto',
    rest: { api: options.apiRoot, agent: dispatcher },
    allowedMentions: { parse: [] },
  });

  async function answer(interaction: Handled): Promise<void> {
    const receivedAt = Date.now();
    const facts = { spenderRoleId: options.spenderRoleId };
    const message = interaction.isButton()
      ? normalizeButton(interaction, receivedAt, facts)
      : normalizeCommand(interaction, receivedAt, facts);
    if (!message) {
      // Only buttons can be foreign: a component that is not ours is acknowledged and ignored.
      if (interaction.isButton()) await interaction.deferUpdate();
      return;
    }
    // Discord drops an interaction not acknowledged within 3 s: defer before any real work. Answers about the
    // user's own account (a token above all) are seen by them alone.
    const privately = interaction.isChatInputCommand() && PRIVATE_COMMANDS.has(interaction.commandName);
    await interaction.deferReply(privately ? { flags: MessageFlags.Ephemeral } : {});
    const port = new InteractionPort(interaction, {
      receivedAt,
      tokenLifetimeMs: options.interactionTokenLifetimeMs,
      editThrottleMs: options.editThrottleMs,
      log,
    });
    await options.handle(message, port);
    await port.settle();
  }

  /** Best effort: tell the user something failed, in whatever way the interaction still allows. */
  async function apologize(interaction: Handled): Promise<void> {
    const content = text('failed', interaction.locale);
    if (interaction.deferred && !interaction.replied) await interaction.editReply({ content });
    else if (interaction.replied) await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  }

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
    answer(interaction).catch(async (error: unknown) => {
      log.error({ err: describeError(error), interaction: interaction.id }, 'discord: interaction failed');
      await apologize(interaction).catch((second: unknown) =>
        log.warn({ err: describeError(second) }, 'discord: could not report the failure to the user'),
      );
    });
  });
  client.on(Events.Error, (error) => log.error({ err: describeError(error) }, 'discord: client error'));
  client.on(Events.Warn, (warning) => log.warn({ warning }, 'discord: client warning'));

  const channelPort = new ChannelPort(client, log, options.editThrottleMs);

  return {
    portForChannel: () => channelPort,
    async start() {
      const ready = once(client, Events.ClientReady);
      await client.login(options.token);
      await ready;
      if (client.application?.id !== options.applicationId) {
        log.warn(
          "discord: DISCORD_APPLICATION_ID differs from the bot token's application; commands may be missing",
        );
      }
      log.info({ user: client.user?.tag }, 'discord: connected');
    },
    async stop() {
      await client.destroy();
      await dispatcher.close();
    },
  };
}
