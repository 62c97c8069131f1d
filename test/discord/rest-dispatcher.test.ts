/**
 * Discord delivery cannot collide with the project's own HTTP client. In the app, undici 7 (the nemo client's)
 * owns the process-wide dispatcher that discord.js's undici 6 falls back to; a multipart upload handed across
 * the two fails with "action is not a function". Here that state is set up, the project's undici is used,
 * and then a real MP4 goes to the fake Discord through discord.js: the bytes that arrive are the file's.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { REST, Routes } from 'discord.js';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/client.js';
import { registerCommands } from '../../adapters/discord/register.js';
import { createDiscordDispatcher } from '../../adapters/discord/rest-dispatcher.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/server.js';
import { makeClip } from '../fixtures/media.js';
import { globalDispatcher, projectUndiciAsGlobalDispatcher } from '../support/undici-global.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let fake: FakeDiscord;
let clip: Buffer;
let global: ReturnType<typeof projectUndiciAsGlobalDispatcher>;

beforeAll(async () => {
  global = projectUndiciAsGlobalDispatcher();
  fake = await startFakeDiscord({ heartbeatIntervalMs: 250 });
  clip = await readFile(await makeClip({ seconds: 1, width: 320, height: 240 }));
  // A project-side call on the global dispatcher, as the nemo client makes them in the app.
  const url = fake.hostFile('warm-up.mp4', clip, 'video/mp4');
  const response = await request(url);
  expect(response.statusCode).toBe(200);
  expect(sha256(Buffer.from(await response.body.arrayBuffer()))).toBe(sha256(clip));
  expect(globalDispatcher()).toBe(global.agent);
  expect(globalDispatcher()).toBeInstanceOf(Agent);
});
afterAll(async () => {
  await fake?.close();
  await global?.restore();
});

/** Posts the clip as an attachment to a fresh channel with a REST client made by `rest`. */
async function postClip(rest: REST): Promise<string> {
  const channelId = fake.addChannel();
  await rest.post(Routes.channelMessages(channelId), {
    files: [{ name: 'clip.mp4', data: clip, contentType: 'video/mp4' }],
    body: { content: 'your video' },
  });
  return channelId;
}

const postsTo = (channelId: string) =>
  fake.calls.filter((c) => c.method === 'POST' && c.route === `/channels/${channelId}/messages`);

describe('discord.js REST beside the project’s undici', () => {
  it('fails to upload on the global dispatcher (the collision this file guards against)', async () => {
    const rest = new REST({ api: fake.apiRoot, retries: 0 }).setToken(fake.token);
    await expect(postClip(rest)).rejects.toThrow('action is not a function');
  });

  it('uploads a real MP4 byte for byte on its own dispatcher', async () => {
    const dispatcher = createDiscordDispatcher();
    try {
      const rest = new REST({ api: fake.apiRoot, agent: dispatcher }).setToken(fake.token);
      const channelId = await postClip(rest);
      const [post] = postsTo(channelId);
      expect(post).toMatchObject({ status: 200, body: { content: 'your video' } });
      expect(post!.files).toEqual([
        {
          field: 'files[0]',
          name: 'clip.mp4',
          contentType: 'video/mp4',
          size: clip.length,
          sha256: sha256(clip),
        },
      ]);
      // The global dispatcher is still the project's: discord.js neither used nor replaced it.
      expect(globalDispatcher()).toBe(global.agent);
    } finally {
      await dispatcher.close();
    }
  });

  it('is not the project’s undici: the dispatcher is an Agent of the copy @discordjs/rest loads', () => {
    const dispatcher = createDiscordDispatcher();
    expect(dispatcher).not.toBeInstanceOf(Agent);
    expect(typeof dispatcher.dispatch).toBe('function');
    return dispatcher.close();
  });
});

describe('the adapter delivers files with the bot token after a project-side undici call', () => {
  let adapter: DiscordAdapter;
  beforeAll(async () => {
    adapter = createDiscordAdapter({
      token: fake.token,
      applicationId: fake.applicationId,
      apiRoot: fake.apiRoot,
      log: pino({ level: 'silent' }),
      handle: async () => undefined,
    });
    await adapter.start();
  });
  afterAll(async () => {
    await adapter?.stop();
  });

  it('the channel port attaches the rendered MP4 as it was served', async () => {
    const channelId = fake.addChannel();
    const url = fake.hostFile('render_1.mp4', clip, 'video/mp4');
    const sent = await adapter
      .portForChannel()
      .sendVideo({ platform: 'discord', chatId: channelId }, { url, fileName: 'render_1.mp4' });

    const [post] = postsTo(channelId);
    expect(post!.message!.id).toBe(sent.id);
    expect(post!.files).toMatchObject([
      { name: 'render_1.mp4', contentType: 'video/mp4', size: clip.length, sha256: sha256(clip) },
    ]);
  });

  it('registers the slash commands through its own REST client', async () => {
    const count = await registerCommands({
      token: fake.token,
      applicationId: fake.applicationId,
      apiRoot: fake.apiRoot,
    });
    expect(count).toBeGreaterThan(0);
  });
});
