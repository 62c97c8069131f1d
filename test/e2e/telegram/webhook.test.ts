/**
 * Webhook mode end to end: Telegram proves each delivery with the secret set by setWebhook. A request
 * without it is refused before anything is handled; the fake's own deliveries carry it and are answered.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAndCheckSecrets, type E2E, startE2E, textOf } from './harness.js';

const SECRET = 'e2e_webhook-secret_42';
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ webhookSecret: SECRET });
});
afterAll(() => closeAndCheckSecrets(e2e));

describe('a webhook', () => {
  it('refuses a request with a wrong secret (401) and handles the one Telegram sends', async () => {
    expect(e2e.telegram.webhook).toEqual({ url: e2e.webhookUrl, secret: SECRET });
    const forgedChat = 5001;
    const forged = {
      update_id: 777001,
      ...e2e.telegram.textMessage({ chatId: forgedChat, text: '/credits' }),
    };
    const answer = await request(e2e.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'not-the-secret' },
      body: JSON.stringify(forged),
    });
    await answer.body.dump();
    expect(answer.statusCode).toBe(401);

    const chatId = 5002;
    const genuine = e2e.telegram.pushUpdate(e2e.telegram.textMessage({ chatId, text: '/credits' }));
    expect((await e2e.telegram.waitForDelivery(genuine.update_id)).status).toBe(200);
    await e2e.whenHandled(genuine.update_id);
    expect(e2e.botMessages(chatId).map(textOf)).toContain(
      'Credits: 100 available, 0 held by running jobs, 100 total.',
    );

    // The forged update reached neither the core, nor Telegram, nor the backend.
    expect(e2e.handled.map((m) => m.updateId)).toEqual([`telegram:${genuine.update_id}`]);
    expect(e2e.telegram.calls.filter((c) => Number(c.params.chat_id) === forgedChat)).toEqual([]);
    expect(e2e.telegram.callsOf('getUpdates')).toEqual([]);
    expect(e2e.emulator.sessions.size).toBe(1);
  });
});
