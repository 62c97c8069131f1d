import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_USER } from '../fakes/discord/server.js';
import { type Harness, startHarness } from './harness.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('discord adapter: receiving interactions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('logs in: discovers the gateway with the bot token and gets READY', async () => {
    const discovery = h.fake.calls.find((c) => c.route === '/gateway/bot');
    expect(discovery).toMatchObject({ method: 'GET', auth: 'bot', status: 200 });
    expect(h.logLines.some((line) => line.includes('discord: connected'))).toBe(true);
  });

  it('normalizes /video with a file, deferring before the core runs and downloading only on open()', async () => {
    const clip = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42'), Buffer.alloc(300_000, 7)]);
    const handled = h.nextMessage(async (message) => {
      // At this moment the core has the message: it must already be deferred, and the file untouched.
      const callbacks = h.fake.calls.filter((c) => c.route.endsWith('/callback'));
      const downloadsBefore = h.fake.calls.length;
      const bytes = await buffer(await message.attachments[0]!.open());
      return { callbacks, bytes, downloadsBefore };
    });
    const sent = h.fake.sendInteraction({
      type: 'command',
      name: 'video',
      options: {
        prompt: 'a cat surfing at sunset',
        file: { name: 'cat.mp4', contentType: 'video/mp4', data: clip },
      },
      locale: 'zh-CN',
    });
    const { message, result } = await handled;

    expect(result.callbacks).toHaveLength(1);
    expect(result.callbacks[0]).toMatchObject({
      route: `/interactions/${sent.id}/${sent.token}/callback`,
      body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
      status: 204,
    });
    expect(message).toMatchObject({
      id: sent.id,
      updateId: `discord:${sent.id}`,
      chat: { platform: 'discord', chatId: DEFAULT_CHANNEL_ID },
      sender: { id: DEFAULT_USER.id, username: DEFAULT_USER.username, displayName: DEFAULT_USER.globalName },
      text: 'a cat surfing at sunset',
      isGroup: true,
      addressedToBot: true,
      language: 'zh-CN',
    });
    expect(message.command).toBeUndefined();
    expect(message.chat.threadId).toBeUndefined();
    const [file] = message.attachments;
    expect(file).toMatchObject({ kind: 'video', name: 'cat.mp4', mimeType: 'video/mp4', size: clip.length });
    expect(sha256(result.bytes)).toBe(sha256(clip));
  });

  it('passes up to three files of /video in order, and /upload as files without text', async () => {
    const a = { name: 'a.png', contentType: 'image/png', data: Buffer.from('png-bytes') };
    const b = { name: 'b.mp3', contentType: 'audio/mpeg', data: Buffer.from('mp3-bytes') };
    const video = h.nextMessage();
    h.fake.sendInteraction({ type: 'command', name: 'video', options: { prompt: 'mix', file: a, file3: b } });
    expect((await video).message.attachments.map((f) => [f.kind, f.name, f.size])).toEqual([
      ['photo', 'a.png', 9],
      ['audio', 'b.mp3', 9],
    ]);

    const upload = h.nextMessage();
    h.fake.sendInteraction({ type: 'command', name: 'upload', options: { file: b } });
    const { message } = await upload;
    expect(message.text).toBe('');
    expect(message.attachments.map((f) => f.name)).toEqual(['b.mp3']);
  });

  it('turns other commands into commands and /edit into text', async () => {
    const credits = h.nextMessage();
    h.fake.sendInteraction({ type: 'command', name: 'credits' });
    expect((await credits).message).toMatchObject({ text: '', command: { name: 'credits', args: '' } });

    const edit = h.nextMessage();
    h.fake.sendInteraction({ type: 'command', name: 'edit', options: { text: 'make it brighter' } });
    const { message } = await edit;
    expect(message.text).toBe('make it brighter');
    expect(message.command).toBeUndefined();
  });

  it('keys a thread as its own conversation under the parent channel, and a DM as not a group', async () => {
    const inThread = h.nextMessage();
    h.fake.sendInteraction({
      type: 'command',
      name: 'status',
      channelId: '410000000000000002',
      threadParentId: '410000000000000001',
    });
    expect((await inThread).message.chat).toEqual({
      platform: 'discord',
      chatId: '410000000000000001',
      threadId: '410000000000000002',
    });

    const dm = h.nextMessage();
    const sent = h.fake.sendInteraction({ type: 'command', name: 'help', guildId: null });
    const { message } = await dm;
    expect(message.isGroup).toBe(false);
    expect(message.chat).toEqual({ platform: 'discord', chatId: sent.channelId });
  });

  it('turns a button a:export into the export action, deferring first', async () => {
    const handled = h.nextMessage(async () =>
      h.fake.calls.filter((c) => c.route.endsWith('/callback')).at(-1),
    );
    const sent = h.fake.sendInteraction({ type: 'button', customId: 'a:export' });
    const { message, result } = await handled;
    expect(message).toMatchObject({ id: sent.id, action: 'export', text: '', attachments: [] });
    expect(result).toMatchObject({
      route: `/interactions/${sent.id}/${sent.token}/callback`,
      body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
    });
  });

  it('acknowledges a button that is not the bot’s without calling the core', async () => {
    const before = h.received.length;
    const sent = h.fake.sendInteraction({ type: 'button', customId: 'poll:yes' });
    const ack = await h.fake.waitFor((c) => c.route === `/interactions/${sent.id}/${sent.token}/callback`);
    expect(ack.body).toMatchObject({ type: InteractionResponseType.DeferredMessageUpdate });
    expect(h.received.length).toBe(before);
  });

  it('catches a failure in the core, logs it without secrets and tells the user briefly', async () => {
    const handled = h.nextMessage(async () => {
      throw new Error('core bug');
    });
    const sent = h.fake.sendInteraction({ type: 'command', name: 'status' });
    await expect(handled).rejects.toThrow('core bug');
    const apology = await h.fake.waitFor((c) => c.method === 'PATCH' && c.route.includes(sent.token));
    expect(apology.route).toBe(`/webhooks/${h.fake.applicationId}/${sent.token}/messages/@original`);
    expect(apology.body.content).toBe('Sorry, something went wrong. Please try again.');
    const log = h.logLines.join('\n');
    expect(log).toContain('core bug');
    expect(log).not.toContain(sent.token);
    expect(log).not.toContain(h.fake.token);
  });

  it('removes the "thinking" placeholder when the core answers nothing', async () => {
    const handled = h.nextMessage();
    const sent = h.fake.sendInteraction({ type: 'command', name: 'cancel' });
    await handled;
    const deleted = await h.fake.waitFor((c) => c.method === 'DELETE' && c.route.includes(sent.token));
    expect(deleted).toMatchObject({
      route: `/webhooks/${h.fake.applicationId}/${sent.token}/messages/@original`,
      status: 204,
    });
  });
});

describe('discord adapter: the facts the core decides who may spend by', () => {
  const spenderRole = '500000000000000001';
  /** A member's permissions without Manage Server (View Channel and Send Messages only). */
  const plainMember = String((1n << 10n) | (1n << 11n));
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ adapter: { spenderRoleId: spenderRole } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('hands every interaction to the core, naming its guild, and no longer refuses anything itself', async () => {
    const handled = h.nextMessage(async (message) => message.senderIsGroupAdmin?.());
    h.fake.sendInteraction({
      type: 'command',
      name: 'video',
      options: { prompt: 'x' },
      roles: [],
      memberPermissions: plainMember,
    });
    const { message, result } = await handled;
    expect(message.text).toBe('x');
    expect(message.communityId).toBe(DEFAULT_GUILD_ID);
    expect(result).toBe(false);
  });

  it('counts the spender role and Manage Server as a guild admin', async () => {
    const withRole = h.nextMessage(async (message) => message.senderIsGroupAdmin?.());
    h.fake.sendInteraction({
      type: 'button',
      customId: 'a:export',
      roles: [spenderRole],
      memberPermissions: plainMember,
    });
    expect((await withRole).result).toBe(true);

    const manager = h.nextMessage(async (message) => message.senderIsGroupAdmin?.());
    h.fake.sendInteraction({ type: 'command', name: 'export', roles: [] });
    expect((await manager).result).toBe(true);
  });

  it('reads roles from the raw member when the guild is not cached', async () => {
    await h.close();
    h = await startHarness({ adapter: { spenderRoleId: spenderRole }, fake: { announceGuilds: false } });
    const allowed = h.nextMessage(async (message) => message.senderIsGroupAdmin?.());
    h.fake.sendInteraction({
      type: 'command',
      name: 'export',
      roles: [spenderRole],
      memberPermissions: plainMember,
      guildId: DEFAULT_GUILD_ID,
    });
    expect((await allowed).result).toBe(true);

    const refused = h.nextMessage(async (message) => message.senderIsGroupAdmin?.());
    h.fake.sendInteraction({ type: 'command', name: 'export', roles: [], memberPermissions: plainMember });
    expect((await refused).result).toBe(false);
  });

  it('takes /token as an option, deferred ephemerally, so only the user sees it', async () => {
    const handled = h.nextMessage();
    const sent = h.fake.sendInteraction({
      type: 'command',
      name: 'token',
      options: { token: 'nmv_usr_own_account_token' },
      guildId: null,
    });
    const { message } = await handled;
    expect(message.command).toEqual({ name: 'token', args: 'nmv_usr_own_account_token' });
    expect(message.isGroup).toBe(false);
    expect(message.communityId).toBeUndefined();
    const defer = await h.fake.waitFor((c) => c.route === `/interactions/${sent.id}/${sent.token}/callback`);
    expect(defer.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
  });
});
