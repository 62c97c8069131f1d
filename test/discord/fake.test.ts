import { InteractionResponseType } from 'discord.js';
import { FormData, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/server.js';

/** The fake's own contract, spoken to with plain HTTP and a plain WebSocket (no discord.js). */
describe('fake Discord', () => {
  let fake: FakeDiscord;
  let socket: WebSocket;
  const api = (path: string) => `${fake.apiRoot}/v10${path}`;

  beforeAll(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 60_000 });
    socket = new WebSocket(fake.apiRoot.replace(/^http/, 'ws').replace(/\/api$/, '/?v=10&encoding=json'));
    await new Promise((resolve) => socket.once('message', resolve)); // HELLO
    socket.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 1, properties: {} } }));
    await fake.whenIdentified();
  });
  afterAll(async () => {
    socket.close();
    await fake.close();
  });

  it('answers a heartbeat with an ACK', async () => {
    const ack = new Promise<{ op: number }>((resolve) =>
      socket.on('message', (raw) => {
        const packet = JSON.parse(String(raw)) as { op: number };
        if (packet.op === 11) resolve(packet);
      }),
    );
    socket.send(JSON.stringify({ op: 1, d: null }));
    expect((await ack).op).toBe(11);
  });

  it('closes the gateway with 4004 on a wrong token', async () => {
    const intruder = new WebSocket(fake.apiRoot.replace(/^http/, 'ws').replace(/\/api$/, '/'));
    await new Promise((resolve) => intruder.once('message', resolve));
    const closed = new Promise<number>((resolve) => intruder.once('close', resolve));
    intruder.send(JSON.stringify({ op: 2, d: { token: 'nope' } }));
    expect(await closed).toBe(4004);
  });

  it('takes a multipart type 4 reply, then an %40original edit, and refuses a second acknowledgement', async () => {
    const sent = fake.sendInteraction({ type: 'command', name: 'help' });
    const form = new FormData();
    form.append(
      'payload_json',
      JSON.stringify({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: 'hi @everyone', attachments: [{ id: 0 }] },
      }),
    );
    form.append('files[0]', new Blob([Buffer.from('abc')], { type: 'text/plain' }), 'a.txt');
    const reply = await fetch(api(`/interactions/${sent.id}/${sent.token}/callback`), {
      method: 'POST',
      body: form,
    });
    expect(reply.status).toBe(204);
    const recorded = fake.calls.at(-1)!;
    expect(recorded.files).toEqual([
      expect.objectContaining({ field: 'files[0]', name: 'a.txt', size: 3, contentType: 'text/plain' }),
    ]);
    expect(recorded.pings).toEqual({ everyone: true, users: [], roles: [] }); // no allowed_mentions: all ping

    const edit = await fetch(api(`/webhooks/${fake.applicationId}/${sent.token}/messages/%40original`), {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'edited' }),
    });
    const message = (await edit.json()) as { content: string; attachments: { url: string }[] };
    expect(message.content).toBe('edited');
    expect(await (await fetch(message.attachments[0]!.url)).text()).toBe('abc');

    const again = await fetch(api(`/interactions/${sent.id}/${sent.token}/callback`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: InteractionResponseType.DeferredChannelMessageWithSource }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: 40060 });
  });

  it('updates the component message for type 7, and answers 50027 once the token expired', async () => {
    const sent = fake.sendInteraction({ type: 'button', customId: 'a:help' });
    const update = await fetch(api(`/interactions/${sent.id}/${sent.token}/callback`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: InteractionResponseType.UpdateMessage, data: { content: 'updated' } }),
    });
    expect(update.status).toBe(204);
    expect(fake.calls.at(-1)!.message).toMatchObject({ id: sent.payload.message!.id, content: 'updated' });

    fake.expireToken(sent.token);
    const late = await fetch(api(`/webhooks/${fake.applicationId}/${sent.token}`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'too late' }),
    });
    expect(late.status).toBe(401);
    expect(await late.json()).toEqual({ code: 50027, message: 'Invalid Webhook Token' });
  });

  it('guards bot routes: a bot token, a known channel, and no bot-token edits of interaction replies', async () => {
    const bot = { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' };
    expect((await fetch(api('/users/@me'))).status).toBe(401);
    const unknown = await fetch(api('/channels/999/messages'), { method: 'POST', headers: bot, body: '{}' });
    expect(await unknown.json()).toMatchObject({ code: 10003 });

    const sent = fake.sendInteraction({ type: 'command', name: 'help' });
    await fetch(api(`/interactions/${sent.id}/${sent.token}/callback`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: 'x' },
      }),
    });
    const replyId = fake.calls.at(-1)!.message!.id;
    const edit = await fetch(api(`/channels/${sent.channelId}/messages/${replyId}`), {
      method: 'PATCH',
      headers: bot,
      body: JSON.stringify({ content: 'y' }),
    });
    expect(edit.status).toBe(403);
  });
});
