/**
 * The Discord bot from slash command to delivered video: discord.js + adapter + core + NemoVideo emulator +
 * Redis, with the fake Discord recording every REST call (see harness.ts).
 */
import { readFile } from 'node:fs/promises';
import { ButtonStyle, ComponentType, InteractionResponseType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USER, type FakeUpload, type RecordedCall } from '../../fakes/discord/server.js';
import { makeClip } from '../../fixtures/media.js';
import { globalDispatcher } from '../../support/undici-global.js';
import { type E2E, leakedSecrets, renderedFile, sha256, startE2E } from './harness.js';

/** A role of the test guild, to be mentioned by the backend's text. */
const ROLE_ID = '600000000000000042';
const REQUESTER_ONLY = { everyone: false, users: [DEFAULT_USER.id], roles: [] };
const NOBODY = { everyone: false, users: [], roles: [] };

describe('discord end to end: from /video to the delivered MP4', () => {
  let h: E2E;
  let clip: FakeUpload;
  beforeAll(async () => {
    // A render takes two steps, so every export outlasts the progress interval: its video pings the requester.
    h = await startE2E({ emulator: { renderStepMs: 150 }, progressIntervalMs: 200 });
    const data = await readFile(await makeClip({ seconds: 1, width: 320, height: 240 }));
    clip = { name: 'beach.mp4', contentType: 'video/mp4', data };
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The follow-ups (new messages through the interaction webhook) of an interaction. */
  const followUps = (calls: RecordedCall[], token: string) =>
    calls.filter((c) => c.method === 'POST' && c.route === `/webhooks/${h.fake.applicationId}/${token}`);

  /** Puts the clip on a fresh conversation's timeline with `/upload`. */
  async function channelWithClip(): Promise<string> {
    const channelId = h.newChannel();
    await h.interact({ type: 'command', name: 'upload', channelId, options: { file: clip } });
    return channelId;
  }

  it('/video with a clip: deferred, uploaded byte for byte, edited, then /export attaches the rendered MP4 pinging only the requester', async () => {
    const channelId = h.newChannel();
    const video = await h.interact({
      type: 'command',
      name: 'video',
      channelId,
      options: { prompt: 'add the title "Beach Day"', file: clip },
    });

    const videoCalls = h.webhookCalls(video);
    // Discord drops an interaction not acknowledged within 3 s: the deferral comes before any answer.
    expect(videoCalls[0]).toMatchObject({
      method: 'POST',
      route: `/interactions/${video.id}/${video.token}/callback`,
      body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
      status: 204,
    });
    const { sessionId } = await h.store.getChat(`discord:${channelId}`);
    const session = h.emulator.sessions.get(sessionId!)!;
    expect(session.uploads).toHaveLength(1);
    expect(session.uploads[0]).toMatchObject({ sizeBytes: clip.data.length, hash: sha256(clip.data) });
    // The clip reached the backend before the prompt did.
    const sessionCalls = h.emulator.requests
      .filter((r) => r.path.includes(sessionId!) || JSON.stringify(r.body ?? '').includes(sessionId!))
      .map((r) => r.endpoint)
      .filter((endpoint) => endpoint === 'upload' || endpoint === 'run-sse');
    expect(sessionCalls).toEqual(['upload', 'run-sse']);
    // The prompt went to the agent, and its answer came back to Discord.
    expect(session.messages.map((m) => m.text)).toEqual(['add the title "Beach Day"']);
    const said = videoCalls.map((c) => String(c.body?.content ?? ''));
    expect(said.some((text) => text.includes('Beach Day') && text.startsWith('Done!'))).toBe(true);
    expect(videoCalls.every((c) => c.status < 300)).toBe(true);

    // The project's undici already carried the backend calls on the process-wide dispatcher, as in the app:
    // the delivery below must not depend on which undici that dispatcher belongs to.
    expect(globalDispatcher()).toBe(h.globalAgent);
    expect(Object.keys(h.globalAgent.stats)).toContain(new URL(h.emulator.url).origin);

    const exported = await h.interact({ type: 'command', name: 'export', channelId });
    const exportCalls = h.webhookCalls(exported);
    expect(exportCalls[0]!.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const delivered = followUps(exportCalls, exported.token).filter((c) => c.files.length > 0);
    expect(delivered).toHaveLength(1);
    const { render, data } = await renderedFile(h, channelId);
    expect(delivered[0]!.files[0]).toMatchObject({
      contentType: 'video/mp4',
      size: data.length,
      sha256: sha256(data),
    });
    expect(delivered[0]!.files[0]!.name).toContain(render.id);
    expect(delivered[0]!.pings).toEqual(REQUESTER_ONLY);
    // Every other answer notifies nobody, or (the end of a long job) the requester alone.
    const others = [...videoCalls, ...exportCalls].filter((c) => c !== delivered[0] && c.pings);
    expect(others.length).toBeGreaterThan(0);
    for (const call of others) expect([NOBODY, REQUESTER_ONLY]).toContainEqual(call.pings);
  });

  it('a result over the interaction’s attachment size limit arrives as an embed with a download link', async () => {
    const channelId = await channelWithClip();
    const exported = await h.interact({
      type: 'command',
      name: 'export',
      channelId,
      attachmentSizeLimit: 1024,
    });

    const [render] = await h.rendersOf(channelId);
    expect(render?.status).toBe('completed');
    const outputUrl = render!.outputUrl!;
    const withEmbed = followUps(h.webhookCalls(exported), exported.token).filter(
      (c) => c.body.embeds?.length > 0,
    );
    expect(withEmbed).toHaveLength(1);
    const link = withEmbed[0]!;
    expect(link.files).toEqual([]);
    expect(link.body.embeds[0].url).toBe(outputUrl);
    const buttons = link.body.components.flatMap((row: { components: unknown[] }) => row.components);
    expect(buttons).toContainEqual(
      expect.objectContaining({ type: ComponentType.Button, style: ButtonStyle.Link, url: outputUrl }),
    );
    expect(link.pings).toEqual(REQUESTER_ONLY);
  });

  it('the Export button renders and delivers the MP4', async () => {
    const channelId = await channelWithClip();
    const withButton = h.fake.calls.find(
      (c) =>
        c.message?.channel_id === channelId &&
        JSON.stringify(c.body?.components ?? []).includes('"custom_id":"a:export"'),
    );
    expect(withButton, 'the upload answer offers an Export button').toBeDefined();

    const pressed = await h.interact({
      type: 'button',
      customId: 'a:export',
      channelId,
      message: withButton!.message!,
    });

    const calls = h.webhookCalls(pressed);
    expect(calls[0]).toMatchObject({
      body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
      status: 204,
    });
    const delivered = followUps(calls, pressed.token).filter((c) => c.files.length > 0);
    expect(delivered).toHaveLength(1);
    const { data } = await renderedFile(h, channelId);
    expect(delivered[0]!.files[0]).toMatchObject({ size: data.length, sha256: sha256(data) });
  });

  it('the answer to /edit carries Export and Status buttons; Export renders and delivers the MP4', async () => {
    const channelId = await channelWithClip();
    const edited = await h.interact({
      type: 'command',
      name: 'edit',
      channelId,
      options: { text: 'apply a cinematic look' },
    });

    // The answer ends with the buttons: the interaction's own reply ("@original"), or, when the edit outlasted
    // the progress interval (a loaded machine), the follow-up that pings the requester.
    const editCalls = h.webhookCalls(edited);
    const withButtons = editCalls.filter((c) => (c.body?.components ?? []).length > 0);
    expect(withButtons).toHaveLength(1);
    const answer = withButtons[0]!;
    expect(answer.body.content).toMatch(/✅ Done/);
    expect(
      answer.route === `/webhooks/${h.fake.applicationId}/${edited.token}/messages/@original` ||
        (answer.method === 'POST' && answer.pings?.users[0] === DEFAULT_USER.id),
    ).toBe(true);
    const buttons = answer.body.components.flatMap((row: { components: unknown[] }) => row.components);
    expect(buttons).toEqual([
      expect.objectContaining({ type: ComponentType.Button, label: 'Export', custom_id: 'a:export' }),
      expect.objectContaining({ type: ComponentType.Button, label: 'Status', custom_id: 'a:status' }),
    ]);
    const said = editCalls.map((c) => String(c.body?.content ?? ''));
    expect(said).toContain('Done! I applied a cinematic color look.');

    const pressed = await h.interact({
      type: 'button',
      customId: 'a:export',
      channelId,
      message: answer.message!,
    });
    const delivered = followUps(h.webhookCalls(pressed), pressed.token).filter((c) => c.files.length > 0);
    expect(delivered).toHaveLength(1);
    const { render, data } = await renderedFile(h, channelId);
    // The render is of the edited timeline, and what Discord received is exactly what the emulator rendered.
    expect(JSON.stringify(render.draft)).toContain('cinematic');
    expect(delivered[0]!.files[0]).toMatchObject({
      contentType: 'video/mp4',
      size: data.length,
      sha256: sha256(data),
    });
  });

  it('the backend’s “@everyone” and role mentions reach the channel as text but ping nobody', async () => {
    const channelId = await channelWithClip();
    const title = `@everyone <@&${ROLE_ID}> @here`;
    const edited = await h.interact({
      type: 'command',
      name: 'edit',
      channelId,
      options: { text: `add the title "${title}"` },
    });
    const exported = await h.interact({ type: 'command', name: 'export', channelId });

    const calls = [...h.webhookCalls(edited), ...h.webhookCalls(exported)];
    // The agent's reply repeats the title: the mentions really went out as a new message, not an edit.
    const carrying = calls.filter((c) => String(c.body?.content ?? '').includes(title));
    expect(carrying.map((c) => [c.method, c.pings])).toEqual([['POST', NOBODY]]);
    const created = calls.filter((c) => c.pings);
    expect(created.length).toBeGreaterThan(0);
    for (const call of created) {
      expect(call.pings!.everyone).toBe(false);
      expect(call.pings!.roles).toEqual([]);
      expect(call.pings!.users.every((id) => id === DEFAULT_USER.id)).toBe(true);
    }
  });

  it('no token (bot, interaction or backend) is in anything sent to Discord or logged', () => {
    expect(h.fake.calls.filter((c) => c.body !== undefined).length).toBeGreaterThan(20);
    expect(h.secrets().some((secret) => secret.startsWith('nmv_usr_'))).toBe(true);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
