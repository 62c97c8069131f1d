/**
 * A Bot API call whose connection is reset before any answer (the server dropped a reused keep-alive socket)
 * is retried once: the reply arrives, once. A reset that persists is logged as a network error with the
 * method and the chat, never as a bug, and no apology chases it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../fakes/telegram/server.js';
import { closeAndCheckSecrets, type E2E, startE2E, textOf } from './harness.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => closeAndCheckSecrets(e2e));

interface LogEntry {
  msg?: string;
  level?: number;
  method?: string;
  chatId?: string;
  code?: string;
}
const logEntries = () => e2e.logLines.map((line) => JSON.parse(line) as LogEntry);
const sendsTo = (chatId: number, from: number): RecordedCall[] =>
  e2e.telegram.calls
    .slice(from)
    .filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chatId);

/** Greets the chat first, so the next message's only reply is the balance. */
async function greeted(chatId: number): Promise<void> {
  await e2e.send(e2e.telegram.textMessage({ chatId, text: 'credits' }));
}

describe('a sendMessage whose connection is reset before any answer', () => {
  it('is retried once and the reply arrives once', async () => {
    const chatId = 5001;
    await greeted(chatId);
    const from = e2e.telegram.calls.length;
    e2e.telegram.resetNext('sendMessage');
    await e2e.send(e2e.telegram.textMessage({ chatId, text: 'credits' }));

    const sends = sendsTo(chatId, from);
    expect(sends.map((c) => Boolean(c.connectionReset))).toEqual([true, false]);
    // The same message, sent again, and delivered once.
    expect(sends[1]!.params.text).toBe(sends[0]!.params.text);
    expect(sends[1]!.params.text).toMatch(/^Credits: \d+ available/);
    const balances = e2e.botMessages(chatId).filter((m) => textOf(m).startsWith('Credits:'));
    expect(balances).toHaveLength(2); // one for the greeting's message, one for this one

    const entries = logEntries();
    expect(entries).toContainEqual(
      expect.objectContaining({
        msg: 'telegram network error, retrying once',
        method: 'sendMessage',
        chatId: String(chatId),
        code: 'ECONNRESET',
      }),
    );
    expect(entries.filter((e) => e.msg === 'network error' && e.chatId === String(chatId))).toEqual([]);
  });

  it('that persists is logged as a network error with the method and chat, never as a bug', async () => {
    const chatId = 5002;
    await greeted(chatId);
    const from = e2e.telegram.calls.length;
    e2e.telegram.resetNext('sendMessage', 2);
    await e2e.send(e2e.telegram.textMessage({ chatId, text: 'credits' }));

    // The try and the retry were both reset, and no apology followed.
    expect(sendsTo(chatId, from).map((c) => Boolean(c.connectionReset))).toEqual([true, true]);
    const entries = logEntries();
    expect(entries).toContainEqual(
      expect.objectContaining({ msg: 'network error', method: 'sendMessage', chatId: String(chatId) }),
    );
    expect(entries.filter((e) => e.msg === 'bug while handling a message')).toEqual([]);
  });
});
