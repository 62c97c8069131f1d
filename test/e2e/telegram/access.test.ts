/**
 * Who may spend, end to end on the fake Bot API, the emulator and real Redis, with tokens sealed: strangers
 * cost the backend nothing, an `admins` group lets only its admins spend, /token is deleted at once and then
 * carries the calls, /account gives a claim link, and no token is left in Redis in plain text.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { textsFor } from '../../../src/texts.js';
import { everyKeyAndValue } from '../../support/redis-scan.js';
import { BOT_USERNAME, closeAndCheckSecrets, type E2E, startE2E, textOf } from './harness.js';

const en = textsFor('en');
const KEY = randomBytes(32);
/** A registered account's token, as a user would paste it. */
const OWN_TOKEN = `nmv_usr_${randomBytes(16).toString('hex')}`;

const person = (id: number, name: string) => ({ id, is_bot: false, first_name: name, language_code: 'en' });
const ada = person(1001, 'Ada');
const grace = person(1002, 'Grace');
const linus = person(1004, 'Linus');
const stranger = person(3003, 'Mallory');
const group = -1002000000001;
const groupWithoutBotRights = -1002000000002;

let e2e: E2E;
beforeAll(async () => {
  const { access } = loadConfig({
    ALLOWED_USERS: 'telegram:1001, telegram:1002, telegram:1004',
    GROUP_SPENDERS: 'admins',
    TOKEN_ENCRYPTION_KEY: KEY.toString('base64'),
  });
  e2e = await startE2E({
    core: {
      access,
      tokenKey: KEY,
      emulator: { editDelayMs: 5, heartbeatMs: 20, noTextRatio: 0, operatorTokens: [OWN_TOKEN] },
    },
  });
  e2e.telegram.setAdministrators(group, [grace.id, e2e.telegram.botUser.id]);
  e2e.telegram.setAdministrators(groupWithoutBotRights, [grace.id]);
});
afterAll(() => closeAndCheckSecrets(e2e));

const say = (chatId: number, from: ReturnType<typeof person>, text: string) =>
  e2e.send(e2e.telegram.textMessage({ chatId, text, from }));
const textsIn = (chatId: number) => e2e.botMessages(chatId).map(textOf);
const authorizations = (from: number) =>
  e2e.emulator.requests.slice(from).map((r) => r.headers.authorization ?? '');

describe('a stranger', () => {
  it('costs the backend nothing and hears one short refusal, not one per message', async () => {
    const before = e2e.emulator.requests.length;
    await say(stranger.id, stranger, '/start');
    await say(stranger.id, stranger, 'make a video of a cat surfing');
    await say(stranger.id, stranger, '/credits');

    expect(e2e.emulator.requests.slice(before)).toEqual([]);
    expect(textsIn(stranger.id)).toEqual([en.notAllowed]);
    // No token, no session: nothing at all is kept for them but the refusal's quiet hour.
    expect(await e2e.store.getChat(`telegram:${stranger.id}`)).toEqual({});
  });

  it('is refused in a group too, while the members it allows are served', async () => {
    const before = e2e.emulator.requests.length;
    await say(group, stranger, `@${BOT_USERNAME} make it cinematic`);
    // Already refused within the hour (in private): nothing is said.
    expect(textsIn(group)).toEqual([]);
    expect(e2e.emulator.requests.slice(before)).toEqual([]);
  });
});

describe('a group where only admins may spend', () => {
  it('refuses a member while an admin’s edit runs, and says who can', async () => {
    const adminAsked = e2e.telegram.pushUpdate(
      e2e.telegram.textMessage({ chatId: group, text: `@${BOT_USERNAME} make it cinematic`, from: grace }),
    );
    const memberAsked = await say(group, linus, `@${BOT_USERNAME} add a title that says hello`);
    await e2e.whenHandled(adminAsked.update_id);

    const session = await e2e.sessionOf(group);
    expect(session.messages.map((m) => m.text)).toEqual(['make it cinematic']);
    const refusal = e2e
      .botMessages(group)
      .find((m) => m.reply_to_message?.message_id === memberAsked.message!.message_id);
    expect(refusal && textOf(refusal)).toBe(en.notSpender(false));
  });

  it('still answers credits, status and help to a member', async () => {
    const before = e2e.botMessages(group).length;
    await say(group, linus, '/credits');
    await say(group, linus, '/status');
    await say(group, linus, '/help');
    const answers = textsIn(group).slice(before);
    expect(answers).toHaveLength(3);
    expect(answers[0]).toMatch(/^Credits: \d+ available/);
    expect(answers).not.toContain(en.notSpender(false));
  });

  it('asks Telegram for the administrators once and remembers them', () => {
    expect(
      e2e.telegram.callsOf('getChatAdministrators').filter((c) => c.params.chat_id === group),
    ).toHaveLength(1);
  });
});

describe('/token', () => {
  it('is deleted at once in a private chat, and the next calls carry that token', async () => {
    const sent = await say(ada.id, ada, `/token ${OWN_TOKEN}`);
    const deletion = await e2e.telegram.waitFor('deleteMessage');
    expect(deletion.params).toMatchObject({ chat_id: ada.id, message_id: sent.message!.message_id });
    expect(deletion.result).toBe(true);
    expect(e2e.telegram.message(ada.id, sent.message!.message_id)).toBeUndefined();
    expect(textsIn(ada.id).at(-1)).toBe(en.tokenSaved('deleted'));
    // Deleted before anything else: before the backend checked the token, before the answer.
    const calls = e2e.telegram.calls;
    const answer = calls.findIndex(
      (c) => c.method === 'sendMessage' && c.params.text === en.tokenSaved('deleted'),
    );
    expect(calls.indexOf(deletion)).toBeLessThan(answer);

    const before = e2e.emulator.requests.length;
    await say(ada.id, ada, 'make it cinematic');
    await say(ada.id, ada, '/credits');
    expect(e2e.emulator.requests.slice(before).map((r) => r.endpoint)).not.toContain('anonymous-token');
    const used = authorizations(before);
    expect(used.length).toBeGreaterThanOrEqual(3);
    expect(new Set(used)).toEqual(new Set([`Bearer ${OWN_TOKEN}`]));
    expect(textsIn(ada.id).at(-1)).toMatch(/^Credits: /);
  });

  it('is forgotten by /logout: the chat is back on an anonymous token', async () => {
    await say(ada.id, ada, '/logout');
    expect(textsIn(ada.id).at(-1)).toBe(en.loggedOut);
    const before = e2e.emulator.requests.length;
    await say(ada.id, ada, '/credits');
    const used = authorizations(before);
    expect(used.length).toBeGreaterThan(0);
    expect(used).not.toContain(`Bearer ${OWN_TOKEN}`);
    expect(e2e.emulator.requests.slice(before).map((r) => r.endpoint)).toContain('anonymous-token');
  });

  it('is refused in a group, and deleted where the bot may delete it', async () => {
    const before = e2e.emulator.requests.length;
    const inGroup = await say(group, grace, `/token ${OWN_TOKEN}`);
    expect(e2e.telegram.message(group, inGroup.message!.message_id)).toBeUndefined();
    expect(textsIn(group).at(-1)).toBe(en.tokenOnlyPrivate('deleted'));

    const elsewhere = await say(groupWithoutBotRights, grace, `/token ${OWN_TOKEN}`);
    expect(e2e.telegram.message(groupWithoutBotRights, elsewhere.message!.message_id)).toBeDefined();
    expect(textsIn(groupWithoutBotRights).at(-1)).toBe(en.tokenOnlyPrivate('visible'));
    expect(e2e.emulator.requests.slice(before)).toEqual([]);
    expect((await e2e.store.getChat(`telegram:${group}`)).tokenOrigin).toBeUndefined();
  });

  it('turns a token that NemoVideo refuses away without keeping it', async () => {
    await say(linus.id, linus, '/token nmv_usr_not_a_real_token');
    expect(textsIn(linus.id).at(-1)).toBe(en.tokenRejected);
    expect((await e2e.store.getChat(`telegram:${linus.id}`)).tokenOrigin).toBeUndefined();
  });
});

describe('/account', () => {
  it('gives a claim link for the chat’s anonymous work', async () => {
    await say(linus.id, linus, 'make it cinematic');
    await say(linus.id, linus, '/account');
    const link = /https:\/\/nemovideo\.com\/workspace\/claim\?ct=(clm_[0-9a-f]+)/.exec(
      textsIn(linus.id).at(-1)!,
    );
    expect(link).not.toBeNull();
    const [claim] = e2e.emulator.requestsTo('claim-token');
    const record = await e2e.store.getChat(`telegram:${linus.id}`);
    expect(claim!.body).toEqual({ task_id: record.taskId, session_id: record.sessionId });
  });
});

describe('Redis at rest', () => {
  it('holds no token in any key or value, only sealed ones', async () => {
    const tokens = [...e2e.emulator.tokens.keys(), OWN_TOKEN];
    expect(tokens.length).toBeGreaterThan(2);
    const stored = await everyKeyAndValue(inject('redisUrl'));
    expect(stored.filter((text) => tokens.some((token) => text.includes(token)))).toEqual([]);
    // The anonymous chats' tokens are there, sealed: the scan looked where tokens are.
    const sealed = stored.filter((text) => text.startsWith('"sealed.v1.'));
    expect(sealed.length).toBeGreaterThanOrEqual(2);
  });
});
