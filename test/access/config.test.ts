import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessPolicy } from '../../src/access/policy.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { IncomingMessage } from '../../src/messages.js';

const fail = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted a bad value');
};

describe('access settings', () => {
  it('default to an open bot: everyone, no limits, no key', () => {
    const { access } = loadConfig({});
    expect(access).toEqual({
      admins: new Set(),
      groupSpenders: 'everyone',
      groupSpendersOn: {},
      discordSpenderRole: false,
      userDailyEdits: 0,
      chatDailyEdits: 0,
    });
  });

  it('read lists, limits and a key in hex or base64', () => {
    const key = randomBytes(32);
    const { access } = loadConfig({
      ALLOWED_USERS: 'telegram:1001, discord:123456789012345678',
      ALLOWED_CHATS: 'telegram:-1001234567890',
      ADMIN_USERS: 'telegram:42',
      GROUP_SPENDERS: 'admins',
      USER_DAILY_EDITS: '20',
      CHAT_DAILY_EDITS: '100',
      TOKEN_ENCRYPTION_KEY: key.toString('hex'),
    });
    expect(access.allowedUsers).toEqual(new Set(['telegram:1001', 'discord:123456789012345678']));
    expect(access.allowedChats).toEqual(new Set(['telegram:-1001234567890']));
    expect(access.admins).toEqual(new Set(['telegram:42']));
    expect(access).toMatchObject({ groupSpenders: 'admins', userDailyEdits: 20, chatDailyEdits: 100 });
    expect(access.tokenKey?.equals(key)).toBe(true);
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: key.toString('base64') }).access.tokenKey?.equals(key)).toBe(
      true,
    );
  });

  it('stop start-up with one line naming the variable, never echoing a key', () => {
    expect(fail({ ALLOWED_USERS: 'bob' })).toBe(
      'ALLOWED_USERS must be a comma-separated list of telegram:<user id> or discord:<user id>',
    );
    expect(fail({ ALLOWED_CHATS: 'discord:12' })).toBe(
      'ALLOWED_CHATS must be a comma-separated list of telegram:<chat id> or discord:<guild id>',
    );
    expect(fail({ ADMIN_USERS: 'telegram:abc' })).toMatch(/^ADMIN_USERS must be /);
    expect(fail({ GROUP_SPENDERS: 'mods' })).toBe('GROUP_SPENDERS must be one of everyone, admins');
    expect(fail({ USER_DAILY_EDITS: '-1' })).toBe(
      'USER_DAILY_EDITS must be a whole number of edits (0 = no limit)',
    );
    expect(fail({ CHAT_DAILY_EDITS: 'lots' })).toBe(
      'CHAT_DAILY_EDITS must be a whole number of edits (0 = no limit)',
    );
    const short = randomBytes(16).toString('hex');
    const message = fail({ TOKEN_ENCRYPTION_KEY: short });
    expect(message).toBe(
      'TOKEN_ENCRYPTION_KEY must be 32 bytes as base64 (44 characters) or hex (64 characters)',
    );
    expect(message).not.toContain(short);
    for (const line of [message]) expect(line).not.toContain('\n');
  });

  it('make Discord admins-only when DISCORD_SPENDER_ROLE_ID is set, as the role always did', () => {
    const { access } = loadConfig({
      DISCORD_BOT_TOKEN: 'x',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_SPENDER_ROLE_ID: '223456789012345678',
    });
    const policy = new AccessPolicy(access);
    expect(policy.groupSpendersOn({ chat: { platform: 'discord', chatId: '1' } })).toBe('admins');
    expect(policy.groupSpendersOn({ chat: { platform: 'telegram', chatId: '1' } })).toBe('everyone');
    expect(policy.spenderRoleNamed({ chat: { platform: 'discord', chatId: '1' } })).toBe(true);
  });
});

describe('AccessPolicy', () => {
  const message = (over: Partial<IncomingMessage> = {}): IncomingMessage => ({
    id: '1',
    chat: { platform: 'telegram', chatId: '1001' },
    sender: { id: '1001', displayName: 'Ada' },
    text: 'hi',
    attachments: [],
    isGroup: false,
    addressedToBot: true,
    receivedAt: 0,
    ...over,
  });

  it('lets in listed users, anyone in a listed chat or guild, and admins; either list grants access', () => {
    const policy = new AccessPolicy(
      loadConfig({
        ALLOWED_USERS: 'telegram:1001',
        ALLOWED_CHATS: 'telegram:-100500,discord:923456789012345678',
        ADMIN_USERS: 'telegram:42',
      }).access,
    );
    expect(policy.mayUse(message())).toBe(true);
    expect(policy.mayUse(message({ sender: { id: '7', displayName: 'X' } }))).toBe(false);
    expect(
      policy.mayUse(
        message({ sender: { id: '7', displayName: 'X' }, chat: { platform: 'telegram', chatId: '-100500' } }),
      ),
    ).toBe(true);
    expect(
      policy.mayUse(
        message({
          sender: { id: '7', displayName: 'X' },
          chat: { platform: 'discord', chatId: '555' },
          communityId: '923456789012345678',
        }),
      ),
    ).toBe(true);
    expect(policy.mayUse(message({ sender: { id: '42', displayName: 'Op' } }))).toBe(true);
    // The same id on another platform is another person.
    expect(
      policy.mayUse(
        message({ chat: { platform: 'discord', chatId: '1001' }, sender: { id: '1001', displayName: 'A' } }),
      ),
    ).toBe(false);
  });

  it('asks the platform whether the sender administers the group only when the group is admins-only', async () => {
    let asked = 0;
    const groupMessage = (admin: boolean) =>
      message({
        isGroup: true,
        senderIsGroupAdmin: async () => {
          asked++;
          return admin;
        },
      });
    const open = new AccessPolicy(loadConfig({}).access);
    expect(await open.maySpendHere(groupMessage(false))).toBe(true);
    expect(asked).toBe(0);
    const strict = new AccessPolicy(loadConfig({ GROUP_SPENDERS: 'admins' }).access);
    expect(await strict.maySpendHere(groupMessage(false))).toBe(false);
    expect(await strict.maySpendHere(groupMessage(true))).toBe(true);
    expect(await strict.maySpendHere(message())).toBe(true);
    expect(asked).toBe(2);
  });
});
