/**
 * A render that outlives the interaction token (15 minutes on Discord, 1.5 s here, on both sides) is still
 * delivered: with the bot token, as a new message in the channel the command came from.
 */
import { readFile } from 'node:fs/promises';
import { ButtonStyle, InteractionResponseType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USER, type FakeUpload } from '../../fakes/discord/server.js';
import { makeClip } from '../../fixtures/media.js';
import { type E2E, leakedSecrets, renderedFile, sha256, startE2E } from './harness.js';

const TOKEN_LIFETIME_MS = 1500;

describe('discord end to end: delivery after the interaction token expired', () => {
  let h: E2E;
  let clip: FakeUpload;
  beforeAll(async () => {
    h = await startE2E({
      fake: { tokenLifetimeMs: TOKEN_LIFETIME_MS },
      adapter: { interactionTokenLifetimeMs: TOKEN_LIFETIME_MS },
      // pending → processing → completed takes two steps: the render outlives the token.
      emulator: { renderStepMs: 1000 },
    });
    const data = await readFile(await makeClip({ seconds: 1, width: 320, height: 240 }));
    clip = { name: 'beach.mp4', contentType: 'video/mp4', data };
  });
  afterAll(async () => {
    await h?.close();
  });

  async function exportAfterUpload(attachmentSizeLimit?: number) {
    const channelId = h.newChannel();
    await h.interact({ type: 'command', name: 'upload', channelId, options: { file: clip } });
    const before = h.channelPosts(channelId).length;
    const exported = await h.interact({ type: 'command', name: 'export', channelId, attachmentSizeLimit });
    const calls = h.webhookCalls(exported);
    // The interaction was answered in time, with its own token, before the token died.
    expect(calls[0]!.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(calls.some((c) => c.method === 'PATCH' && c.status === 200)).toBe(true);
    return { channelId, exported, posts: h.channelPosts(channelId).slice(before) };
  }

  it('posts the MP4 to the channel with the bot token, pinging only the requester', async () => {
    const { channelId, exported, posts } = await exportAfterUpload();

    const delivered = posts.filter((c) => c.files.length > 0);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.auth).toBe('bot');
    expect(delivered[0]!.status).toBe(200);
    const { data } = await renderedFile(h, channelId);
    expect(delivered[0]!.files[0]).toMatchObject({ size: data.length, sha256: sha256(data) });
    expect(delivered[0]!.pings).toEqual({ everyone: false, users: [DEFAULT_USER.id], roles: [] });
    // Nothing was sent through the dead token's webhook after the video was ready.
    const followUps = h
      .webhookCalls(exported)
      .filter((c) => c.method === 'POST' && c.route.startsWith('/webhooks/'));
    expect(followUps.filter((c) => c.files.length > 0)).toEqual([]);
  });

  it('posts a link embed to the channel when the MP4 is over the attachment limit', async () => {
    const { channelId, posts } = await exportAfterUpload(1024);

    const [render] = await h.rendersOf(channelId);
    const links = posts.filter((c) => c.body.embeds?.length > 0);
    expect(links).toHaveLength(1);
    expect(links[0]!.auth).toBe('bot');
    expect(links[0]!.files).toEqual([]);
    expect(links[0]!.body.embeds[0].url).toBe(render!.outputUrl);
    expect(links[0]!.body.components[0].components[0]).toMatchObject({
      style: ButtonStyle.Link,
      url: render!.outputUrl,
    });
  });

  it('no token reached Discord in a message or the log, also on the channel fallback', () => {
    expect(h.fake.calls.some((c) => c.auth === 'bot' && c.route.startsWith('/channels/'))).toBe(true);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
