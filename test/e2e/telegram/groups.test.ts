/**
 * Groups end to end: chatter not meant for the bot costs nothing (no message, no backend call); a mention
 * is answered as a reply to the requester; each forum topic is a conversation with its own backend session.
 */
import { Api } from 'grammy';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_USERNAME, closeAndCheckSecrets, type E2E, startE2E, TOKEN, textOf } from './harness.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => closeAndCheckSecrets(e2e));

const grace = { id: 1002, is_bot: false, first_name: 'Grace', username: 'grace', language_code: 'en' };

/** What the bot asked Telegram to do in a chat, apart from reading updates. */
function callsTo(chatId: number) {
  return e2e.telegram.calls.filter((c) => Number(c.params.chat_id) === chatId);
}

describe('a group', () => {
  const chatId = -1001000000001;

  it('ignores chatter: nothing is sent and nothing reaches the backend', async () => {
    const chatter = ['morning all', 'has anyone seen the cinematic cut?', 'export the report by friday'];
    const backendCallsBefore = e2e.emulator.requests.length;
    for (const text of chatter) await e2e.send(e2e.telegram.textMessage({ chatId, text, from: grace }));

    expect(e2e.handled.filter((m) => m.chat.chatId === String(chatId))).toHaveLength(chatter.length);
    expect(callsTo(chatId)).toEqual([]);
    expect(e2e.emulator.requests.slice(backendCallsBefore)).toEqual([]);
  });

  it('answers a mention as a reply to the requester’s message', async () => {
    const asked = await e2e.send(
      e2e.telegram.textMessage({ chatId, text: `@${BOT_USERNAME} make it cinematic`, from: grace }),
    );
    const askedId = asked.message!.message_id;

    // The instruction, without the bot's name, went to the agent once.
    const session = await e2e.sessionOf(chatId);
    expect(session.messages.map((m) => m.text)).toEqual(['make it cinematic']);
    const sent = e2e.botMessages(chatId);
    expect(sent.map(textOf)).toContain(
      'I can trim clips, add music or titles, change the look, or generate new clips. What would you like? Note: there is no clip to color yet: upload one first.',
    );
    // Every message the bot started in the group replies to the mention: none to the chatter before it.
    expect(sent.length).toBeGreaterThan(0);
    for (const message of sent) expect(message.reply_to_message?.message_id).toBe(askedId);
  });
});

describe('a forum supergroup', () => {
  const chatId = -1001000000002;
  const topics = [11, 22];

  it('gives each topic its own backend session, and answers inside the topic', async () => {
    const asked = await Promise.all(
      topics.map((threadId) =>
        e2e.send(
          e2e.telegram.textMessage({
            chatId,
            threadId,
            text: `@${BOT_USERNAME} make it cinematic`,
            from: grace,
          }),
        ),
      ),
    );

    const sessions = await Promise.all(topics.map((threadId) => e2e.sessionOf(chatId, threadId)));
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(2);
    // Each topic's instruction reached its own session, once.
    for (const session of sessions)
      expect(session.messages.map((m) => m.text)).toEqual(['make it cinematic']);

    // Every message sent to the forum names its topic: the topic of the message it replies to.
    const sends = e2e.telegram.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === chatId);
    expect(sends.length).toBeGreaterThanOrEqual(4);
    const topicOf = new Map(asked.map((u, i) => [u.message!.message_id, topics[i]]));
    for (const call of sends) {
      const repliedTo = (call.params.reply_parameters as { message_id: number }).message_id;
      expect(call.params.message_thread_id).toBe(topicOf.get(repliedTo));
      expect((call.result as Message).message_thread_id).toBe(topicOf.get(repliedTo));
    }
  });
});

describe("a forum's General topic", () => {
  const chatId = -1001000000003;

  it('Telegram refuses message_thread_id 1 (the fake too)', async () => {
    const api = new Api(TOKEN, { apiRoot: e2e.telegram.apiRoot });
    await expect(api.sendMessage(chatId, 'hello', { message_thread_id: 1 })).rejects.toThrow(
      'Bad Request: message thread not found',
    );
  });

  it('is answered without a thread id, as the chat itself, whether or not the message names thread 1', async () => {
    const callsBefore = e2e.telegram.calls.length;
    const general = await e2e.send(
      e2e.telegram.textMessage({
        chatId,
        forum: true,
        text: `@${BOT_USERNAME} make it cinematic`,
        from: grace,
      }),
    );
    // A General-topic message that carries the topic's id 1 (as replies inside it can).
    const base = e2e.telegram.textMessage({ chatId, forum: true, text: '/status', from: grace });
    const named = await e2e.send({
      message: { ...base.message!, message_thread_id: 1, is_topic_message: true },
    });

    // One conversation: the chat's own backend session got the instruction.
    const session = await e2e.sessionOf(chatId);
    expect(session.messages.map((m) => m.text)).toEqual(['make it cinematic']);
    const sends = e2e.telegram.calls
      .slice(callsBefore)
      .filter((c) => c.params.chat_id === chatId && c.method !== 'getUpdates');
    expect(sends.filter((c) => c.errorCode !== undefined)).toEqual([]);
    for (const call of sends) expect(call.params).not.toHaveProperty('message_thread_id');
    const repliedTo = new Set(
      sends
        .filter((c) => c.method === 'sendMessage')
        .map((c) => (c.params.reply_parameters as { message_id: number }).message_id),
    );
    expect(repliedTo).toEqual(new Set([general.message!.message_id, named.message!.message_id]));
  });
});
