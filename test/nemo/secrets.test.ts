import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNemoError, NemoClient, type NemoError } from '../../src/nemo/index.js';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { makeClip } from '../fixtures/media.js';
import { collect, fakeSession, fileSource, startRawServer } from './helpers.js';

// An operator token: not shaped like nmv_usr_…, so only scrubbing by the known value can catch it.
const TOKEN = 'operator-secret-7f3a9c1e5b';
const logLines: string[] = [];
const logger = pino(
  { level: 'trace' },
  new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);

let emu: Emulator;
let client: NemoClient;
/** Only for the deliberate timeout: a short timeout on every call would trip on a loaded machine. */
let hastyClient: NemoClient;
beforeAll(async () => {
  emu = await startEmulator({ operatorTokens: [TOKEN] });
  const options = {
    baseUrl: emu.url,
    skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
    rateLimitRetryMs: 1,
    renderPollMaxMs: 10,
    requestTimeoutMs: 10_000,
    retry: { attempts: 2, baseMs: 1, maxMs: 2 },
    logger,
  } as const;
  client = new NemoClient(options);
  hastyClient = new NemoClient({ ...options, requestTimeoutMs: 200 });
});
afterAll(() => emu.close());

function assertNoToken(error: unknown, token = TOKEN) {
  expect(isNemoError(error), String(error)).toBe(true);
  const e = error as NemoError;
  for (const text of [
    e.message,
    String(e.stack),
    JSON.stringify(e),
    inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ]) {
    expect(text).not.toContain(token);
  }
}

describe('the token never leaks', () => {
  it('not from errors of any kind, nor from debug logs', async () => {
    const { ref } = fakeSession({ token: TOKEN, sessionId: '' });
    const { sessionId, taskId } = await client.createSession(ref, {});
    const session = fakeSession({ token: TOKEN, sessionId }).ref;
    const errors: unknown[] = [];
    const capture = (p: Promise<unknown>) =>
      p.then(
        () => errors.push(new Error('expected a failure')),
        (e) => errors.push(e),
      );

    emu.inject({ endpoint: 'credits', code: 1001, times: 2 });
    await capture(client.getCredits(ref));
    emu.inject({ endpoint: 'state', malformed: true });
    await capture(client.getState(session));
    emu.inject({ endpoint: 'claim-token', resetConnection: true });
    await capture(client.claimToken(ref, { taskId, sessionId }));
    emu.inject({ endpoint: 'claim-token', delayMs: 1_000 });
    await capture(hastyClient.claimToken(ref, { taskId, sessionId }));
    emu.inject({ endpoint: 'credits', httpStatus: 503, times: 2 });
    await capture(client.getCredits(ref));
    await client.uploadFiles(session, [
      await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 })),
    ]);
    emu.inject({ endpoint: 'run-sse', dropAfterEvents: 1 });
    await capture(collect(client.sendMessage(session, 'add music')));
    await capture(client.startRender(session, { t: [] }));

    expect(errors.map((e) => (e as NemoError).kind)).toEqual([
      'token',
      'protocol',
      'network',
      'timeout',
      'server',
      'stream-interrupted',
      'api',
    ]);
    for (const error of errors) assertNoToken(error);
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });

  it('not even when the backend echoes the token in its message', async () => {
    const echoed = 'nmv_usr_echoedsecret';
    const server = await startRawServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ code: 3003, message: `token ${req.headers['authorization']} is odd`, data: null }),
      );
    });
    try {
      const echoClient = new NemoClient({
        baseUrl: server.url,
        skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
        rateLimitRetryMs: 1,
        renderPollMaxMs: 10,
      });
      const error = await echoClient
        .getCredits(fakeSession({ token: echoed, sessionId: '1' }).ref)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        kind: 'api',
        code: 3003,
        backendMessage: 'token Bearer [redacted] is odd',
      });
      assertNoToken(error, echoed);
    } finally {
      await server.close();
    }
  });
});
