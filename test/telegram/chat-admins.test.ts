/** The group administrator list, from the fake Bot API through grammY: asked once, remembered, asked again later. */
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatAdmins } from '../../adapters/telegram/chat-admins.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/server.js';

const TOKEN = '7000000001:AAchat-admins-test-token-0123456789abc';
const group = -1003000000001;
let fake: FakeTelegram;
beforeAll(async () => {
  fake = await startFakeTelegram({ token: TOKEN });
  fake.setAdministrators(group, [11]);
});
afterAll(async () => {
  await fake.close();
});

describe('ChatAdmins', () => {
  it('answers from one getChatAdministrators call until the list is older than its ttl', async () => {
    let now = 1_000_000;
    const admins = new ChatAdmins(new Api(TOKEN, { apiRoot: fake.apiRoot }), 60_000, () => now);
    const calls = () => fake.callsOf('getChatAdministrators').length;

    const [first, second] = await Promise.all([admins.isAdmin(group, 11), admins.isAdmin(group, 12)]);
    expect([first, second]).toEqual([true, false]);
    expect(calls()).toBe(1);

    // Promoted meanwhile: still the remembered answer within the ttl, the new one after it.
    fake.setAdministrators(group, [11, 12]);
    now += 59_000;
    expect(await admins.isAdmin(group, 12)).toBe(false);
    now += 2_000;
    expect(await admins.isAdmin(group, 12)).toBe(true);
    expect(calls()).toBe(2);
  });

  it('does not remember a failed call', async () => {
    const admins = new ChatAdmins(new Api(TOKEN, { apiRoot: fake.apiRoot }));
    fake.failNext('getChatAdministrators', { error_code: 400, description: 'Bad Request: chat not found' });
    await expect(admins.isAdmin(group, 11)).rejects.toThrow(/chat not found/);
    expect(await admins.isAdmin(group, 11)).toBe(true);
  });
});
