import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIChannel, APIInteraction, APIUser } from 'discord.js';
import { FakeGateway } from './gateway.js';
import {
  apiChannel,
  apiGuildCreate,
  apiInteraction,
  apiMessage,
  apiRole,
  apiUser,
  DEFAULT_CHANNEL_ID,
  DEFAULT_GUILD_ID,
  DEFAULT_USER,
  type FakeUpload,
  type InteractionInput,
} from './payloads.js';
import { handleRest } from './rest.js';
import { snowflake } from './snowflake.js';
import type { FakeState, RecordedCall } from './state.js';

export type { ButtonInput, CommandInput, FakeUpload, InteractionInput } from './payloads.js';
export { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_USER } from './payloads.js';
export type { RecordedCall, RecordedFile } from './state.js';

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  /** HELLO's heartbeat interval; short so heartbeats and ACKs really happen in a test. */
  heartbeatIntervalMs?: number;
  /** Interaction tokens older than this answer 401 / 50027 (Discord: 15 minutes). Unset: never. */
  tokenLifetimeMs?: number;
  /** How long `waitFor` waits before failing. */
  waitTimeoutMs?: number;
  /** Send GUILD_CREATE before the first interaction in a guild, as Discord does for a bot in it. */
  announceGuilds?: boolean;
}

/** What a test needs to know about an interaction it sent. */
export interface SentInteraction {
  id: string;
  token: string;
  channelId: string;
  guildId: string | null;
  payload: APIInteraction;
}

export interface FakeDiscord {
  /** REST root for discord.js (`rest.api`): `http://127.0.0.1:P/api`. */
  apiRoot: string;
  token: string;
  applicationId: string;
  botUser: APIUser;
  calls: RecordedCall[];
  /** Paths of CDN files fetched (attachments, hosted files), in order. */
  downloads: string[];
  /** Builds a complete INTERACTION_CREATE and dispatches it to the connected client. */
  sendInteraction(input: InteractionInput): SentInteraction;
  /** The first recorded call (past or future) matching `predicate`. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Makes a token answer 50027 from now on, as after its 15 minutes. */
  expireToken(token: string): void;
  /** Serves bytes at a URL on the fake's CDN (e.g. a rendered video to deliver). */
  hostFile(name: string, data: Buffer, contentType: string): string;
  /** Makes a guild text channel the bot may post in with its token alone, for tests with no gateway client. */
  addChannel(id?: string): string;
  /** Resolves once a gateway client has identified. */
  whenIdentified(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const waiters = new Set<{
    predicate: (call: RecordedCall) => boolean;
    resolve: (call: RecordedCall) => void;
  }>();
  let origin = '';
  const state: FakeState = {
    token: options.token ?? 'fake-bot-token',
    applicationId: options.applicationId ?? '100000000000000001',
    botUser: apiUser({ id: options.applicationId ?? '100000000000000001', username: 'nemo-bot' }, true),
    origin: () => origin,
    tokenLifetimeMs: options.tokenLifetimeMs,
    calls: [],
    messages: new Map(),
    interactions: new Map(),
    channels: new Map(),
    files: new Map(),
    onCall: (call) => {
      for (const waiter of waiters) {
        if (waiter.predicate(call)) {
          waiters.delete(waiter);
          waiter.resolve(call);
        }
      }
    },
  };

  const downloads: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://fake').pathname);
    if (path.startsWith('/api/v10/')) {
      handleRest(state, req, res).catch((error: Error) => {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: error.message }));
      });
      return;
    }
    const file = state.files.get(new URL(req.url ?? '/', 'http://fake').pathname);
    if (req.method === 'GET' && file) {
      downloads.push(path);
      res
        .writeHead(200, { 'content-type': file.contentType, 'content-length': file.data.length })
        .end(file.data);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gateway = new FakeGateway(server, state, options.heartbeatIntervalMs ?? 1000);

  const guildRoles = new Map<string, Set<string>>();
  const dmChannels = new Map<string, string>();

  const hostFile = (name: string, data: Buffer, contentType: string, folder = 'files') => {
    const path = `/attachments/${folder}/${snowflake()}/${encodeURIComponent(name)}`;
    state.files.set(path, { data, contentType });
    return `${origin}${path}`;
  };

  /** Tells the client about the guild, its channel, thread and roles the way Discord would. */
  const announce = (guildId: string, channels: APIChannel[], roles: string[]) => {
    const known = guildRoles.get(guildId);
    if (!known) {
      const threads = channels.filter((c) => 'thread_metadata' in c);
      gateway.dispatch(
        'GUILD_CREATE',
        apiGuildCreate(
          guildId,
          channels.filter((c) => !threads.includes(c)),
          threads,
          roles,
        ),
      );
      guildRoles.set(guildId, new Set(roles));
      return;
    }
    for (const channel of channels) {
      gateway.dispatch('thread_metadata' in channel ? 'THREAD_CREATE' : 'CHANNEL_CREATE', channel);
    }
    for (const role of roles.filter((r) => !known.has(r))) {
      gateway.dispatch('GUILD_ROLE_CREATE', {
        guild_id: guildId,
        role: apiRole(role, `role-${role.slice(-4)}`),
      });
      known.add(role);
    }
  };

  const sendInteraction = (spec: InteractionInput): SentInteraction => {
    const user = apiUser({ ...DEFAULT_USER, ...spec.user });
    const guildId = spec.guildId === undefined ? DEFAULT_GUILD_ID : spec.guildId;
    const roles = guildId ? (spec.roles ?? []) : [];
    let channelId = spec.channelId;
    if (!channelId && !guildId) {
      channelId = dmChannels.get(user.id) ?? snowflake();
      dmChannels.set(user.id, channelId);
    }
    channelId ??= DEFAULT_CHANNEL_ID;
    const fresh: APIChannel[] = [];
    const remember = (channel: APIChannel) => {
      if (!state.channels.has(channel.id)) fresh.push(channel);
      state.channels.set(channel.id, channel);
    };
    if (spec.threadParentId) remember(apiChannel({ id: spec.threadParentId, guildId }));
    const channel = apiChannel({
      id: channelId,
      guildId,
      recipient: user,
      thread: Boolean(spec.threadParentId),
      parentId: spec.threadParentId,
    });
    remember(channel);
    if (guildId && options.announceGuilds !== false) announce(guildId, fresh, roles);

    const id = snowflake();
    const token = `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;
    const componentMessage =
      spec.type === 'button'
        ? (spec.message ??
          apiMessage({
            channelId,
            author: state.botUser,
            body: { content: 'earlier answer' },
            attachments: [],
          }))
        : undefined;
    if (componentMessage) state.messages.set(componentMessage.id, componentMessage);
    const payload = apiInteraction({
      spec,
      id,
      token,
      applicationId: state.applicationId,
      user,
      channel,
      guildId,
      roles,
      attachment: (upload: FakeUpload) => {
        const url = hostFile(upload.name, upload.data, upload.contentType, channelId);
        return {
          id: snowflake(),
          filename: upload.name,
          size: upload.data.length,
          url,
          proxy_url: url,
          content_type: upload.contentType,
        };
      },
      fallbackMessage: () => componentMessage!,
    });
    state.interactions.set(token, {
      id,
      token,
      channelId,
      createdAt: Date.now(),
      expired: false,
      acknowledged: false,
      componentMessageId: componentMessage?.id,
    });
    gateway.dispatch('INTERACTION_CREATE', payload);
    return { id, token, channelId, guildId, payload };
  };

  const waitFor = (predicate: (call: RecordedCall) => boolean, timeoutMs = options.waitTimeoutMs ?? 5000) => {
    const seen = state.calls.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<RecordedCall>((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (call: RecordedCall) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const seenRoutes = state.calls.map((c) => `${c.method} ${c.route} → ${c.status}`).join('\n  ');
        reject(
          new Error(`fake Discord: no matching call within ${timeoutMs} ms; calls so far:\n  ${seenRoutes}`),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  return {
    apiRoot: `${origin}/api`,
    token: state.token,
    applicationId: state.applicationId,
    botUser: state.botUser,
    calls: state.calls,
    downloads,
    sendInteraction,
    waitFor,
    expireToken: (token) => {
      const record = state.interactions.get(token);
      if (!record) throw new Error('fake Discord: unknown interaction token');
      record.expired = true;
    },
    hostFile: (name, data, contentType) => hostFile(name, data, contentType),
    addChannel: (id = snowflake()) => {
      state.channels.set(id, apiChannel({ id, guildId: DEFAULT_GUILD_ID }));
      return id;
    },
    whenIdentified: () => gateway.whenIdentified(),
    close: async () => {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
