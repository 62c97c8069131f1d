/**
 * Tokens sealed at rest, on real Redis: a wrong key stops start-up with one line; after a deliberate key
 * change a chat sealed with the old key gets a new anonymous token, or (its own token) is asked for it again,
 * and nothing sealed is ever sent as a token; a token stored before a key was set is sealed on first read.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KeyMismatchError, SEAL_CHECK_NAME } from '../../src/access/sealed-store.js';
import type { IncomingMessage } from '../../src/messages.js';
import { textsFor } from '../../src/texts.js';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { type Core, startCore } from '../support/core.js';
import { RecordingPort } from '../support/recording-port.js';

const en = textsFor('en');
const OWN_TOKEN = `nmv_usr_${randomBytes(16).toString('hex')}`;
const oldKey = randomBytes(32);
const newKey = randomBytes(32);

let emulator: Emulator;
let redis: Redis;
const open: Core[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ operatorTokens: [OWN_TOKEN], tokensPerIpPer7Days: 100, editDelayMs: 2 });
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  for (const core of open.splice(0)) await core.close();
  await emulator.close();
  redis.disconnect();
});

async function processOn(prefix: string, tokenKey?: Buffer): Promise<Core> {
  const core = await startCore({
    keyPrefix: prefix,
    sharedKeyPrefix: true,
    sharedEmulator: emulator,
    ...(tokenKey ? { tokenKey } : {}),
  });
  open.push(core);
  return core;
}
async function stop(core: Core): Promise<void> {
  open.splice(open.indexOf(core), 1);
  await core.close();
}

let seq = 0;
async function say(core: Core, chat: string, text: string): Promise<string[]> {
  const port = new RecordingPort();
  const message: IncomingMessage = {
    id: String(++seq),
    chat: { platform: 'test', chatId: chat },
    sender: { id: chat, displayName: chat },
    text,
    attachments: [],
    isGroup: false,
    addressedToBot: true,
    language: 'en',
    receivedAt: Date.now(),
  };
  await core.bot.handle(message, port);
  return port.texts;
}
const rawToken = async (prefix: string, chat: string) => redis.hget(`${prefix}chat:test:${chat}`, 'token');

describe('a key change', () => {
  const prefix = `sealed:${randomUUID()}:`;

  it('with the wrong key stops start-up with one line that names the variable, not the key', async () => {
    const first = await processOn(prefix, oldKey);
    await say(first, 'anon', '/credits');
    await say(first, 'own', `/token ${OWN_TOKEN}`);
    expect(await rawToken(prefix, 'anon')).toMatch(/^"sealed\.v1\./);
    expect(await rawToken(prefix, 'own')).toMatch(/^"sealed\.v1\./);
    await stop(first);

    const refused = await processOn(prefix, newKey).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(KeyMismatchError);
    const message = (refused as Error).message;
    expect(message).toMatch(/^TOKEN_ENCRYPTION_KEY is not the key the stored tokens were sealed with/);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(newKey.toString('base64'));
    expect(message).not.toContain(newKey.toString('hex'));
  });

  it('made on purpose re-issues anonymous tokens and asks for own tokens again, never sending a sealed one', async () => {
    await redis.del(`${prefix}meta:${SEAL_CHECK_NAME}`);
    const core = await processOn(prefix, newKey);
    const before = emulator.requests.length;

    const anon = await say(core, 'anon', '/credits');
    expect(anon.at(-1)).toMatch(/^Credits: \d+ available/);
    expect(emulator.requests.slice(before).map((r) => r.endpoint)).toContain('anonymous-token');

    const afterAnon = emulator.requests.length;
    expect((await say(core, 'own', '/credits')).at(-1)).toBe(en.ownTokenRejected);
    // Asked again before any call: the sealed value went nowhere.
    expect(emulator.requests.length).toBe(afterAnon);
    expect(emulator.requests.some((r) => (r.headers.authorization ?? '').includes('sealed'))).toBe(false);

    expect((await say(core, 'own', `/token ${OWN_TOKEN}`)).at(-1)).toBe(en.tokenSaved('unseen'));
    const afterToken = emulator.requests.length;
    expect((await say(core, 'own', '/credits')).at(-1)).toMatch(/^Credits: /);
    // The chat is greeted now (a session on the user's account), then asks for credits: all with their token.
    const used = emulator.requests.slice(afterToken).map((r) => r.headers.authorization);
    expect(used.length).toBeGreaterThan(1);
    expect(new Set(used)).toEqual(new Set([`Bearer ${OWN_TOKEN}`]));
  });
});

describe('a key set for the first time', () => {
  it('seals the tokens stored before it on first read, and keeps using them', async () => {
    const prefix = `sealed:${randomUUID()}:`;
    const plain = await processOn(prefix);
    await say(plain, 'early', '/credits');
    const token = JSON.parse((await rawToken(prefix, 'early'))!) as string;
    expect(token).toMatch(/^nmv_usr_/);
    await stop(plain);

    const sealed = await processOn(prefix, newKey);
    const before = emulator.requests.length;
    expect((await say(sealed, 'early', '/credits')).at(-1)).toMatch(/^Credits: /);
    expect(emulator.requests.slice(before).map((r) => r.headers.authorization)).toEqual([`Bearer ${token}`]);
    expect(await rawToken(prefix, 'early')).toMatch(/^"sealed\.v1\./);
  });
});
