import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

const GROUP = -100777;
const bob = { id: 2002, is_bot: false, first_name: 'Bob', language_code: 'zh-hans' };

describe('telegram normalization (real grammY bot against the fake Bot API)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('registers the command menu on start', async () => {
    const call = await h.fake.waitFor('setMyCommands');
    const names = (call.params.commands as { command: string }[]).map((c) => c.command);
    expect(names).toEqual([
      'start',
      'help',
      'credits',
      'status',
      'export',
      'new',
      'cancel',
      'limits',
      'account',
      'token',
      'logout',
    ]);
  });

  it('a private text is addressed to the bot, with sender, language and update id', async () => {
    const update = h.fake.pushUpdate(h.fake.textMessage({ chatId: 1001, text: 'make a cat video' }));
    const m = await h.next((x) => x.text === 'make a cat video');
    expect(m).toMatchObject({
      id: String(update.message?.message_id),
      updateId: `telegram:${update.update_id}`,
      chat: { platform: 'telegram', chatId: '1001' },
      sender: { id: '1001', displayName: 'Ada Lovelace', username: 'ada' },
      isGroup: false,
      addressedToBot: true,
      language: 'en',
      attachments: [],
    });
    expect(m.command).toBeUndefined();
    expect(m.chat.threadId).toBeUndefined();
  });

  it('group chatter reaches the core but is not addressed to the bot', async () => {
    h.fake.pushUpdate(h.fake.textMessage({ chatId: GROUP, text: 'lunch anyone?', from: bob }));
    const m = await h.next((x) => x.text === 'lunch anyone?');
    expect(m.isGroup).toBe(true);
    expect(m.addressedToBot).toBe(false);
    expect(m.language).toBe('zh-hans');
  });

  it('a mention of the bot addresses it and is stripped from the text', async () => {
    h.fake.pushUpdate(
      h.fake.textMessage({ chatId: GROUP, text: '@VideoTestBot, make it brighter', from: bob }),
    );
    const m = await h.next((x) => x.text === 'make it brighter');
    expect(m.addressedToBot).toBe(true);
  });

  it('a mention of someone else does not address the bot', async () => {
    h.fake.pushUpdate(h.fake.textMessage({ chatId: GROUP, text: 'ask @someone_else about it', from: bob }));
    const m = await h.next((x) => x.text.startsWith('ask '));
    expect(m.text).toBe('ask @someone_else about it');
    expect(m.addressedToBot).toBe(false);
  });

  it('a text_mention of the bot (by id) addresses it', async () => {
    const base = h.fake.textMessage({ chatId: GROUP, text: 'Video Bot add music', from: bob });
    const message = {
      ...base.message!,
      entities: [{ type: 'text_mention' as const, offset: 0, length: 9, user: h.fake.botUser }],
    };
    h.fake.pushUpdate({ message });
    const m = await h.next((x) => x.text === 'add music');
    expect(m.addressedToBot).toBe(true);
  });

  it('a reply to one of the bot’s messages addresses it', async () => {
    const sent = await h.adapter.port.sendText(
      { platform: 'telegram', chatId: String(GROUP) },
      'Here is your draft.',
    );
    h.fake.pushUpdate(
      h.fake.textMessage({ chatId: GROUP, text: 'shorter please', from: bob, replyTo: Number(sent.id) }),
    );
    const m = await h.next((x) => x.text === 'shorter please');
    expect(m.addressedToBot).toBe(true);
  });

  it('a command for this bot is parsed; one for another bot is not addressed', async () => {
    h.fake.pushUpdate(
      h.fake.textMessage({ chatId: GROUP, text: '/Export@VideoTestBot  1080p now', from: bob }),
    );
    const ours = await h.next((x) => x.command?.name === 'export');
    expect(ours.command).toEqual({ name: 'export', args: '1080p now' });
    expect(ours.text).toBe('/Export  1080p now');
    expect(ours.addressedToBot).toBe(true);

    h.fake.pushUpdate(h.fake.textMessage({ chatId: GROUP, text: '/export@OtherBot', from: bob }));
    const theirs = await h.next((x) => x.text === '/export@OtherBot');
    expect(theirs.command).toBeUndefined();
    expect(theirs.addressedToBot).toBe(false);
  });

  it('a bare command in a private chat is a command', async () => {
    h.fake.pushUpdate(h.fake.textMessage({ chatId: 1001, text: '/credits' }));
    const m = await h.next((x) => x.command?.name === 'credits');
    expect(m.command).toEqual({ name: 'credits', args: '' });
  });

  it('a forum topic message carries the topic as threadId', async () => {
    h.fake.pushUpdate(h.fake.textMessage({ chatId: GROUP, text: '/status', from: bob, threadId: 77 }));
    const m = await h.next((x) => x.command?.name === 'status');
    expect(m.chat).toEqual({ platform: 'telegram', chatId: String(GROUP), threadId: '77' });
  });

  it('message_thread_id outside a topic (a reply thread) is not a conversation of its own', async () => {
    const base = h.fake.textMessage({ chatId: GROUP, text: 'plain thread reply', from: bob });
    h.fake.pushUpdate({ message: { ...base.message!, message_thread_id: 5 } });
    const m = await h.next((x) => x.text === 'plain thread reply');
    expect(m.chat.threadId).toBeUndefined();
  });

  it("a forum's General topic (no thread, or thread 1) is the chat itself", async () => {
    h.fake.pushUpdate(h.fake.textMessage({ chatId: GROUP, text: 'general plain', from: bob, forum: true }));
    const plain = await h.next((x) => x.text === 'general plain');
    expect(plain.chat).toEqual({ platform: 'telegram', chatId: String(GROUP) });
    const base = h.fake.textMessage({ chatId: GROUP, text: 'general one', from: bob, forum: true });
    h.fake.pushUpdate({ message: { ...base.message!, message_thread_id: 1, is_topic_message: true } });
    const named = await h.next((x) => x.text === 'general one');
    expect(named.chat).toEqual({ platform: 'telegram', chatId: String(GROUP) });
  });

  it('a button press becomes an action in the message’s chat, and the query is answered', async () => {
    const sent = await h.adapter.port.sendText(
      { platform: 'telegram', chatId: String(GROUP), threadId: '77' },
      'Ready to export?',
      {
        buttons: [[{ label: 'Export', action: 'export' }]],
      },
    );
    const carrier = h.fake.message(GROUP, Number(sent.id))!;
    expect(carrier.reply_markup?.inline_keyboard[0]?.[0]).toEqual({
      text: 'Export',
      callback_data: 'a:export',
    });
    const update = h.fake.pushUpdate(h.fake.callbackQuery({ message: carrier, data: 'a:export', from: bob }));
    const m = await h.next((x) => x.action === 'export');
    expect(m).toMatchObject({
      id: sent.id,
      chat: { platform: 'telegram', chatId: String(GROUP), threadId: '77' },
      sender: { id: '2002', displayName: 'Bob' },
      addressedToBot: true,
      isGroup: true,
      updateId: `telegram:${update.update_id}`,
    });
    const answer = await h.fake.waitFor('answerCallbackQuery');
    expect(answer.params.callback_query_id).toBe(update.callback_query?.id);
  });

  it('a button with data this bot did not make is answered but not handled', async () => {
    const sent = await h.adapter.port.sendText({ platform: 'telegram', chatId: '1001' }, 'old buttons');
    const carrier = h.fake.message(1001, Number(sent.id))!;
    const update = h.fake.pushUpdate(h.fake.callbackQuery({ message: carrier, data: '{"json":"nope"}' }));
    await h.fake.waitFor(
      'answerCallbackQuery',
      (c) => c.params.callback_query_id === update.callback_query?.id,
    );
    h.fake.pushUpdate(h.fake.textMessage({ chatId: 1001, text: 'after forged button' }));
    await h.next((x) => x.text === 'after forged button');
    expect(h.received.filter((x) => x.updateId === `telegram:${update.update_id}`)).toEqual([]);
  });
});
