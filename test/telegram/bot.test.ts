import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

describe('telegram long polling', () => {
  let h: Harness;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });

  beforeAll(async () => {
    h = await startHarness({
      onMessage: async (message) => {
        if (message.text === 'crash please') throw new Error('handler bug');
        if (message.text === 'hold the chat') await gate;
      },
    });
  });
  afterAll(async () => {
    release();
    await h.close();
  });

  it('removes a leftover webhook before polling', async () => {
    await h.fake.waitFor('deleteWebhook');
    await h.fake.waitFor('getUpdates');
  });

  it('a handler that throws does not take the bot down', async () => {
    h.fake.pushUpdate(h.fake.textMessage({ chatId: 1001, text: 'crash please' }));
    h.fake.pushUpdate(h.fake.textMessage({ chatId: 1001, text: 'still there?' }));
    await h.next((m) => m.text === 'still there?');
  });

  it("hands a chat's next update over in order while earlier work still runs (so /cancel gets through)", async () => {
    h.fake.pushUpdate(h.fake.textMessage({ chatId: 5005, text: 'hold the chat' }));
    await h.next((m) => m.text === 'hold the chat');
    h.fake.pushUpdate(h.fake.textMessage({ chatId: 5005, text: '/cancel' }));
    h.fake.pushUpdate(h.fake.textMessage({ chatId: 6006, text: 'another chat' }));
    await h.next((m) => m.command?.name === 'cancel');
    await h.next((m) => m.text === 'another chat');
    const inChat = h.received.filter((m) => m.chat.chatId === '5005').map((m) => m.command?.name ?? m.text);
    expect(inChat).toEqual(['hold the chat', 'cancel']);
    release();
  });

  it('confirms handled updates: getUpdates moves its offset past them', async () => {
    const update = h.fake.pushUpdate(h.fake.textMessage({ chatId: 1001, text: 'confirm me' }));
    await h.next((m) => m.text === 'confirm me');
    await h.fake.waitFor('getUpdates', (c) => Number(c.params.offset) > update.update_id);
  });
});
