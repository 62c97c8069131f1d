/**
 * Which failed Bot API calls may be tried again: only those whose connection failed before any answer.
 * The errors are real ones, from grammY's own fetch (node-fetch) against loopback servers.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { failedBeforeAnswer } from '../../adapters/telegram/network-retry.js';
import { freePort } from '../setup/redis-server.js';

const TOKEN = '123456:TEST-token_abcdefghijklmnopqrstuvwxyz';

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: unknown) => error,
  );
}

describe('failedBeforeAnswer', () => {
  it('a refused connection (nothing listening) got no answer: retryable', async () => {
    const api = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${await freePort()}` });
    const error = await failureOf(api.sendMessage(1, 'hi'));
    expect(error).toBeInstanceOf(HttpError);
    expect(failedBeforeAnswer(error)).toBe(true);
  });

  it('an answer that is not JSON (a proxy error page) was an answer: not retried', async () => {
    const server = createServer((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>'),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const api = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${port}` });
      const error = await failureOf(api.sendMessage(1, 'hi'));
      expect(error).toBeInstanceOf(HttpError);
      expect(failedBeforeAnswer(error)).toBe(false);
    } finally {
      server.close();
    }
  });
});
