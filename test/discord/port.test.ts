import { createHash, randomBytes } from 'node:crypto';
import { ButtonStyle, ComponentType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall, SentInteraction } from '../fakes/discord/server.js';
import { type Harness, startHarness } from './harness.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const NOBODY = { everyone: false, users: [], roles: [] };

describe('discord port: answering through the interaction', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const webhookCalls = (sent: SentInteraction, method: string, suffix = '') =>
    h.fake.calls.filter(
      (c: RecordedCall) =>
        c.method === method && c.route === `/webhooks/${h.fake.applicationId}/${sent.token}${suffix}`,
    );

  it('fills the deferred reply first and coalesces a burst of progress edits to the latest text', async () => {
    const handled = h.nextMessage(async (message, port) => {
      const first = await port.sendText(message.chat, 'Working on it…');
      await Promise.all(
        [1, 2, 3, 4, 5, 6].map((n) => port.editText(message.chat, first.id, `Step ${n} of 6`)),
      );
      return first;
    });
    const sent = h.fake.sendInteraction({ type: 'command', name: 'edit', options: { text: 'brighter' } });
    const { result: first } = await handled;

    const edits = webhookCalls(sent, 'PATCH', '/messages/@original');
    expect(edits[0]!.body.content).toBe('Working on it…');
    expect(edits[0]!.message!.id).toBe(first.id);
    // Six edits asked for, fewer sent, and the last one carries the latest text.
    expect(edits.length - 1).toBeGreaterThanOrEqual(1);
    expect(edits.length - 1).toBeLessThan(6);
    expect(edits.at(-1)!.body.content).toBe('Step 6 of 6');
    expect(edits.every((c) => c.status === 200)).toBe(true);
    expect(webhookCalls(sent, 'POST')).toHaveLength(0);
  });

  it('edits a follow-up by its own id, and fills the deferred reply with a video sent first', async () => {
    const video = randomBytes(4096);
    const url = h.fake.hostFile('first.mp4', video, 'video/mp4');
    const handled = h.nextMessage(async (message, port) => {
      const delivered = await port.sendVideo(message.chat, { url, fileName: 'first.mp4' });
      const followUp = await port.sendText(message.chat, 'Queued');
      await port.editText(message.chat, followUp.id, 'Started', {
        buttons: [[{ label: 'Cancel', action: 'cancel' }]],
      });
      return { delivered, followUp };
    });
    const sent = h.fake.sendInteraction({ type: 'command', name: 'export' });
    const { result } = await handled;

    const [original] = webhookCalls(sent, 'PATCH', '/messages/@original');
    expect(original!.message!.id).toBe(result.delivered.id);
    expect(original!.files[0]).toMatchObject({
      name: 'first.mp4',
      size: video.length,
      sha256: sha256(video),
    });
    const [edit] = webhookCalls(sent, 'PATCH', `/messages/${result.followUp.id}`);
    expect(edit!.body.content).toBe('Started');
    expect(edit!.body.components[0].components[0]).toMatchObject({ custom_id: 'a:cancel', label: 'Cancel' });
  });

  it('sends later answers as follow-ups; the final one pings the requester and nobody else', async () => {
    const handled = h.nextMessage(async (message, port) => {
      await port.sendText(message.chat, 'Rendering… @everyone');
      await port.sendText(message.chat, 'Done @everyone @here <@&600000000000000001> <@200000000000000099>', {
        mention: message.sender,
      });
      return message.sender.id;
    });
    const sent = h.fake.sendInteraction({ type: 'command', name: 'export' });
    const { result: requester } = await handled;

    const [original] = webhookCalls(sent, 'PATCH', '/messages/@original');
    expect(original!.body.allowed_mentions).toEqual({ parse: [], users: [], replied_user: false });
    const [followUp] = webhookCalls(sent, 'POST');
    expect(followUp!.query['wait']).toBe('true');
    expect(followUp!.body.content).toBe(
      `<@${requester}> Done @everyone @here <@&600000000000000001> <@200000000000000099>`,
    );
    expect(followUp!.body.allowed_mentions).toEqual({ parse: [], users: [requester], replied_user: false });
    expect(followUp!.pings).toEqual({ everyone: false, users: [requester], roles: [] });
  });

  it('replaces the placeholder with a follow-up when the first answer must ping the requester', async () => {
    const handled = h.nextMessage(async (message, port) => {
      const done = await port.sendText(message.chat, 'Your video is ready', { mention: message.sender });
      const later = await port.sendText(message.chat, 'Anything else?');
      return { requester: message.sender.id, done, later };
    });
    const sent = h.fake.sendInteraction({ type: 'command', name: 'export' });
    const { result } = await handled;

    // Filling the deferred reply would be an edit, and edits never notify anyone.
    expect(webhookCalls(sent, 'PATCH', '/messages/@original')).toEqual([]);
    expect(webhookCalls(sent, 'DELETE', '/messages/@original')).toHaveLength(1);
    const [ping, later] = webhookCalls(sent, 'POST');
    expect(ping!.message!.id).toBe(result.done.id);
    expect(ping!.pings).toEqual({ everyone: false, users: [result.requester], roles: [] });
    expect(later!.message!.id).toBe(result.later.id);
    expect(later!.pings).toEqual(NOBODY);
  });

  it('splits long text at 2000 characters on word boundaries, buttons on the last piece', async () => {
    const words = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    const handled = h.nextMessage(async (message, port) =>
      port.sendText(message.chat, words, {
        buttons: [
          [
            { label: 'Export', action: 'export' },
            { label: 'Open', action: 'download', url: 'https://example.com/v' },
          ],
        ],
      }),
    );
    const sent = h.fake.sendInteraction({ type: 'command', name: 'help' });
    const { result: last } = await handled;

    const pieces = [...webhookCalls(sent, 'PATCH', '/messages/@original'), ...webhookCalls(sent, 'POST')];
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((c) => c.body.content.length <= 2000)).toBe(true);
    expect(pieces.map((c) => c.body.content).join(' ')).toBe(words);
    expect(pieces.at(-1)!.message!.id).toBe(last.id);
    expect(pieces.slice(0, -1).every((c) => c.body.components.length === 0)).toBe(true);
    expect(pieces.at(-1)!.body.components).toEqual([
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: 'Export',
            custom_id: 'a:export',
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Link,
            label: 'Open',
            url: 'https://example.com/v',
          },
        ],
      },
    ]);
  });

  it('attaches a video that fits the upload limit, byte for byte, pinging the requester', async () => {
    const video = randomBytes(512 * 1024);
    const url = h.fake.hostFile('render.mp4', video, 'video/mp4');
    const handled = h.nextMessage(async (message, port) => {
      await port.sendText(message.chat, 'Exporting…');
      return port.sendVideo(
        message.chat,
        { url, fileName: 'my-video.mp4', caption: 'Your video' },
        { mention: message.sender },
      );
    });
    const sent = h.fake.sendInteraction({ type: 'command', name: 'export' });
    const { message, result } = await handled;

    const [delivery] = webhookCalls(sent, 'POST');
    expect(delivery!.message!.id).toBe(result.id);
    expect(delivery!.files).toHaveLength(1);
    expect(delivery!.files[0]).toMatchObject({
      name: 'my-video.mp4',
      size: video.length,
      sha256: sha256(video),
    });
    expect(delivery!.body.content).toBe(`<@${message.sender.id}> Your video`);
    expect(delivery!.pings).toEqual({ everyone: false, users: [message.sender.id], roles: [] });
    expect(delivery!.body.embeds ?? []).toEqual([]);
  });

  it('sends an embed with a "Download video" link button when the video is over the limit', async () => {
    const limit = 64 * 1024;
    const video = randomBytes(limit + 1);
    const unknownSize = h.fake.hostFile('big.mp4', video, 'video/mp4');
    const declaredSize = h.fake.hostFile('huge.mp4', video, 'video/mp4');
    const handled = h.nextMessage(async (message, port) => {
      const limits = port.limits;
      await port.sendVideo(message.chat, { url: unknownSize, fileName: 'big.mp4' });
      await port.sendVideo(message.chat, {
        url: declaredSize,
        fileName: 'huge.mp4',
        size: 700 * 1024 * 1024,
      });
      return limits;
    });
    const sent = h.fake.sendInteraction({ type: 'command', name: 'export', attachmentSizeLimit: limit });
    const { result: limits } = await handled;

    expect(limits.maxUploadBytes).toBe(limit);
    const deliveries = [...webhookCalls(sent, 'PATCH', '/messages/@original'), ...webhookCalls(sent, 'POST')];
    expect(deliveries).toHaveLength(2);
    for (const [call, link] of deliveries.map((c, i) => [c, [unknownSize, declaredSize][i]!] as const)) {
      expect(call.files).toEqual([]);
      expect(call.body.embeds[0]).toMatchObject({ url: link });
      expect(call.body.components).toEqual([
        {
          type: ComponentType.ActionRow,
          components: [
            { type: ComponentType.Button, style: ButtonStyle.Link, label: 'Download video', url: link },
          ],
        },
      ]);
    }
    // A declared size over the limit is not even downloaded.
    expect(h.fake.downloads.some((path) => declaredSize.endsWith(path))).toBe(false);
  });

  it('sends the link when the video cannot be downloaded (an expired CDN link answers 404)', async () => {
    const url = `${h.fake.apiRoot.replace(/\/api$/, '')}/attachments/gone/1/expired.mp4`;
    const handled = h.nextMessage(async (message, port) =>
      port.sendVideo(message.chat, { url, fileName: 'expired.mp4' }),
    );
    const sent = h.fake.sendInteraction({ type: 'command', name: 'export' });
    await handled;

    const [link] = webhookCalls(sent, 'PATCH', '/messages/@original');
    expect(link!.files).toEqual([]);
    expect(link!.body.embeds[0]).toMatchObject({ title: 'expired.mp4', url });
    expect(h.logLines.some((line) => line.includes('sending a link instead'))).toBe(true);
  });

  it('keeps one download button when the core offers a link to the same video', async () => {
    const url = h.fake.hostFile('large.mp4', randomBytes(4096), 'video/mp4');
    const handled = h.nextMessage(async (message, port) =>
      port.sendVideo(
        message.chat,
        { url, fileName: 'large.mp4' },
        {
          buttons: [
            [{ label: 'Download', action: 'download', url }],
            [{ label: 'Status', action: 'status' }],
          ],
        },
      ),
    );
    const sent = h.fake.sendInteraction({ type: 'command', name: 'export', attachmentSizeLimit: 1024 });
    await handled;

    const [link] = webhookCalls(sent, 'PATCH', '/messages/@original');
    expect(link!.files).toEqual([]);
    expect(link!.body.components).toEqual([
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: 'Download video', url }],
      },
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: 'Status',
            custom_id: 'a:status',
          },
        ],
      },
    ]);
  });
});

describe('discord port: after the interaction token expires', () => {
  it('answers in the channel with the bot token once Discord rejects the token, and edits that copy', async () => {
    const h = await startHarness();
    try {
      let sent: SentInteraction | undefined;
      const handled = h.nextMessage(async (message, port) => {
        const progress = await port.sendText(message.chat, 'Rendering 10%');
        h.fake.expireToken(sent!.token);
        await port.editText(message.chat, progress.id, 'Rendering 50%');
        await port.editText(message.chat, progress.id, 'Rendering 90%');
        return port.sendText(message.chat, 'Done @everyone', { mention: message.sender });
      });
      sent = h.fake.sendInteraction({ type: 'command', name: 'export' });
      const { message, result: done } = await handled;

      const afterExpiry = h.fake.calls.slice(h.fake.calls.findIndex((c) => c.status === 401));
      expect(afterExpiry[0]).toMatchObject({ method: 'PATCH', body: { content: 'Rendering 50%' } });
      const channel = afterExpiry.filter((c) => c.route.startsWith('/channels/'));
      expect(channel.every((c) => c.auth === 'bot')).toBe(true);
      const [copy, edit, final] = channel.filter((c) => c.method !== 'GET');
      expect(copy).toMatchObject({
        method: 'POST',
        route: `/channels/${sent.channelId}/messages`,
        status: 200,
      });
      expect(copy!.body.content).toBe('Rendering 50%');
      expect(edit).toMatchObject({
        method: 'PATCH',
        route: `/channels/${sent.channelId}/messages/${copy!.message!.id}`,
        body: { content: 'Rendering 90%' },
        status: 200,
      });
      expect(final).toMatchObject({ method: 'POST', route: `/channels/${sent.channelId}/messages` });
      expect(final!.message!.id).toBe(done.id);
      expect(final!.pings).toEqual({ everyone: false, users: [message.sender.id], roles: [] });
      // The interaction token (in every webhook URL) and the bot token never reach the log.
      const log = h.logLines.join('\n');
      expect(log).toContain('token expired');
      expect(log).not.toContain(sent.token);
      expect(log).not.toContain(h.fake.token);
    } finally {
      await h.close();
    }
  });

  it('goes straight to the channel (the thread, in a thread) when the token is past its lifetime', async () => {
    const h = await startHarness({ adapter: { interactionTokenLifetimeMs: 0 } });
    try {
      const video = randomBytes(2048);
      const url = h.fake.hostFile('v.mp4', video, 'video/mp4');
      const handled = h.nextMessage(async (message, port) => {
        await port.showAction(message.chat, 'upload_video');
        return port.sendVideo(message.chat, { url, fileName: 'v.mp4' }, { mention: message.sender });
      });
      const sent = h.fake.sendInteraction({
        type: 'command',
        name: 'export',
        channelId: '420000000000000002',
        threadParentId: '420000000000000001',
      });
      await handled;
      const routes = h.fake.calls.filter(
        (c) => c.route.includes(sent.token) || c.route.startsWith('/channels/'),
      );
      expect(routes.map((c) => `${c.method} ${c.route.replace(sent.token, 'T')}`)).toEqual([
        `POST /interactions/${sent.id}/T/callback`,
        'POST /channels/420000000000000002/typing',
        'POST /channels/420000000000000002/messages',
      ]);
      expect(routes.at(-1)!.files[0]).toMatchObject({ size: video.length, sha256: sha256(video) });
    } finally {
      await h.close();
    }
  });
});

describe('discord port: quiet by default', () => {
  it('never lets the bot’s own texts notify anyone without a mention', async () => {
    const h = await startHarness();
    try {
      const handled = h.nextMessage(async (message, port) => {
        await port.sendText(message.chat, 'first');
        await port.sendText(message.chat, 'second @everyone <@&600000000000000001>');
      });
      const sent = h.fake.sendInteraction({ type: 'command', name: 'status', guildId: null });
      await handled;
      const [followUp] = h.fake.calls.filter((c) => c.method === 'POST' && c.route.endsWith(sent.token));
      expect(followUp!.pings).toEqual(NOBODY);
    } finally {
      await h.close();
    }
  });
});
