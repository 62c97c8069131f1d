/**
 * Who may spend, on the fake Discord (gateway + REST) with the emulator and real Redis: a stranger's DM costs
 * the backend nothing; in a guild limited to admins (Manage Server or the spender role) a member is refused
 * and told who can, while a role holder's edit runs; /token is a DM option answered ephemerally, and the
 * calls after it carry that token.
 */
import { randomBytes } from 'node:crypto';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { textsFor } from '../../../src/texts.js';
import { DEFAULT_GUILD_ID, DEFAULT_USER, type RecordedCall } from '../../fakes/discord/server.js';
import { type E2E, leakedSecrets, startE2E } from './harness.js';

const en = textsFor('en');
const SPENDER_ROLE = '500000000000000077';
/** View Channel and Send Messages: a plain member, without Manage Server. */
const PLAIN_MEMBER = String((1n << 10n) | (1n << 11n));
const OWN_TOKEN = `nmv_usr_${randomBytes(16).toString('hex')}`;
const member = { id: '200000000000000002', username: 'bob', globalName: 'Bob' };
const stranger = { id: '200000000000000666', username: 'mallory', globalName: 'Mallory' };

let h: E2E;
beforeAll(async () => {
  const { access } = loadConfig({
    DISCORD_BOT_TOKEN: 'unused-here',
    DISCORD_APPLICATION_ID: '100000000000000001',
    DISCORD_SPENDER_ROLE_ID: SPENDER_ROLE,
    ALLOWED_CHATS: `discord:${DEFAULT_GUILD_ID}`,
    ALLOWED_USERS: `discord:${DEFAULT_USER.id}`,
    GROUP_SPENDERS: 'admins',
  });
  h = await startE2E({
    core: { access },
    adapter: { spenderRoleId: SPENDER_ROLE },
    emulator: { operatorTokens: [OWN_TOKEN] },
  });
});
afterAll(async () => {
  const leaks = h ? leakedSecrets(h) : [];
  await h?.close();
  expect(leaks).toEqual([]);
});

/** What an interaction's answer says: the content its deferred reply was filled with, and follow-ups. */
const contents = (calls: RecordedCall[]) =>
  calls
    .filter((c) => c.method === 'PATCH' || (c.method === 'POST' && c.route.startsWith('/webhooks/')))
    .map((c) => (c.body as { content?: string } | undefined)?.content)
    .filter((text): text is string => typeof text === 'string');

describe('a stranger in a DM', () => {
  it('costs the backend nothing and hears one refusal; the next interaction is quietly closed', async () => {
    const before = h.emulator.requests.length;
    const first = await h.interact({
      type: 'command',
      name: 'video',
      options: { prompt: 'a cat surfing' },
      guildId: null,
      user: stranger,
    });
    expect(contents(h.webhookCalls(first))).toEqual([en.notAllowed]);

    const second = await h.interact({ type: 'command', name: 'credits', guildId: null, user: stranger });
    // The "thinking…" placeholder is removed rather than left spinning, and nothing is said.
    await h.fake.waitFor(
      (c) =>
        c.method === 'DELETE' &&
        c.route.startsWith(`/webhooks/${h.fake.applicationId}/${second.token}/messages/`),
    );
    expect(contents(h.webhookCalls(second))).toEqual([]);
    expect(h.emulator.requests.slice(before)).toEqual([]);
  });
});

describe('a guild where only admins and the spender role may spend', () => {
  it('refuses a plain member, naming the role, while a role holder’s edit runs', async () => {
    const channelId = h.newChannel();
    const [holder, refused] = await Promise.all([
      h.interact({
        type: 'command',
        name: 'video',
        channelId,
        options: { prompt: 'make it cinematic' },
        roles: [SPENDER_ROLE],
        memberPermissions: PLAIN_MEMBER,
      }),
      h.interact({
        type: 'command',
        name: 'edit',
        channelId,
        options: { text: 'add a title that says hello' },
        user: member,
        roles: [],
        memberPermissions: PLAIN_MEMBER,
      }),
    ]);
    expect(contents(h.webhookCalls(refused))).toEqual([en.notSpender(true)]);
    expect(contents(h.webhookCalls(holder)).length).toBeGreaterThan(0);
    const { sessionId } = await h.store.getChat(`discord:${channelId}`);
    expect(h.emulator.sessions.get(sessionId!)?.messages.map((m) => m.text)).toEqual(['make it cinematic']);
  });

  it('lets a plain member ask for credits', async () => {
    const asked = await h.interact({
      type: 'command',
      name: 'credits',
      channelId: h.newChannel(),
      user: member,
      roles: [],
      memberPermissions: PLAIN_MEMBER,
    });
    expect(contents(h.webhookCalls(asked)).at(-1)).toMatch(/^Credits: \d+ available/);
  });
});

describe('/token in a DM', () => {
  it('is answered ephemerally, and the calls after it carry that token', async () => {
    const sent = await h.interact({
      type: 'command',
      name: 'token',
      options: { token: OWN_TOKEN },
      guildId: null,
    });
    const calls = h.webhookCalls(sent);
    expect(calls[0]!.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
    expect(contents(calls)).toEqual([en.tokenSaved('unseen')]);

    const before = h.emulator.requests.length;
    await h.interact({
      type: 'command',
      name: 'video',
      options: { prompt: 'make it cinematic' },
      guildId: null,
    });
    const used = h.emulator.requests.slice(before).map((r) => r.headers.authorization);
    expect(used.length).toBeGreaterThan(1);
    expect(new Set(used)).toEqual(new Set([`Bearer ${OWN_TOKEN}`]));
  });

  it('is refused in a guild, ephemerally, keeping nothing', async () => {
    const channelId = h.newChannel();
    const sent = await h.interact({
      type: 'command',
      name: 'token',
      channelId,
      options: { token: OWN_TOKEN },
    });
    expect(contents(h.webhookCalls(sent))).toEqual([en.tokenOnlyPrivate('unseen')]);
    expect(h.webhookCalls(sent)[0]!.body).toMatchObject({ data: { flags: MessageFlags.Ephemeral } });
    expect(await h.store.getChat(`discord:${channelId}`)).toEqual({});
  });
});
