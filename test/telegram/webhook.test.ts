import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

const SECRET = 'webhook_secret-123';

describe('telegram webhook mode', () => {
  let h: Harness;
  let server: Server;
  let url: string;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });

  beforeAll(async () => {
    let handler: RequestListener | undefined;
    server = createServer((req, res) => {
      if (req.url === '/telegram/webhook' && handler) handler(req, res);
      else res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`;
    h = await startHarness({
      webhook: { url, secret: SECRET },
      manualStart: true,
      // A slow core: the webhook must not wait for it.
      onMessage: async (message) => {
        if (message.text === 'slow job') await gate;
      },
    });
    handler = h.adapter.webhookHandler;
    await h.adapter.start();
  });
  afterAll(async () => {
    release();
    await h.close();
    server.closeAllConnections();
    server.close();
  });

  it('registers the webhook with its secret on start, and does not poll', async () => {
    const call = await h.fake.waitFor('setWebhook');
    expect(call.params).toMatchObject({
      url,
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query'],
    });
    expect(h.fake.callsOf('getUpdates')).toEqual([]);
  });

  it('a wrong or missing secret gets 401 and nothing is handled', async () => {
    const forged = { update_id: 900001, ...h.fake.textMessage({ chatId: 1001, text: 'forged update' }) };
    for (const headers of [{ 'x-telegram-bot-api-secret-token': 'wrong' }, {}]) {
      const answer = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(forged),
      });
      await answer.body.dump();
      expect(answer.statusCode).toBe(401);
    }
    // A genuine update afterwards is handled; the forged one never was.
    const genuine = h.fake.pushUpdate(h.fake.textMessage({ chatId: 1001, text: 'genuine update' }));
    expect((await h.fake.waitForDelivery(genuine.update_id)).status).toBe(200);
    await h.next((m) => m.text === 'genuine update');
    expect(h.received.map((m) => m.text)).not.toContain('forged update');
  });

  it('answers Telegram at once and does the work after', async () => {
    const slow = h.fake.pushUpdate(h.fake.textMessage({ chatId: 1002, text: 'slow job' }));
    // The delivery completes while the handler is still blocked on the gate.
    expect((await h.fake.waitForDelivery(slow.update_id)).status).toBe(200);
    await h.next((m) => m.text === 'slow job');
    // The chat's next update is handed over while the slow job runs (the core keeps the order), and so is
    // another chat's.
    const sameChat = h.fake.pushUpdate(h.fake.textMessage({ chatId: 1002, text: 'after the slow job' }));
    const otherChat = h.fake.pushUpdate(h.fake.textMessage({ chatId: 1003, text: 'other chat' }));
    expect((await h.fake.waitForDelivery(sameChat.update_id)).status).toBe(200);
    expect((await h.fake.waitForDelivery(otherChat.update_id)).status).toBe(200);
    await h.next((m) => m.text === 'after the slow job');
    await h.next((m) => m.text === 'other chat');
    const inChat = h.received.filter((m) => m.chat.chatId === '1002').map((m) => m.text);
    expect(inChat).toEqual(['slow job', 'after the slow job']);
    release();
  });
});
