import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  NemoAbortedError,
  NemoApiError,
  NemoClient,
  NemoExportBlockedError,
  NemoFileTooLargeError,
  NemoMissingClientIdError,
  NemoNetworkError,
  NemoProtocolError,
  NemoRateLimitedError,
  NemoServerError,
  NemoTimeoutError,
  NemoTokenError,
  NemoUnsupportedFileError,
} from '../../src/nemo/index.js';
import { makeClip, makeFakeExecutable } from '../fixtures/media.js';
import { type Harness, startHarness } from './harness.js';
import { fileSource } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.emu.clearFaults();
  h.waits.length = 0;
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('1001: bad or expired token', () => {
  it('refreshes the token once and retries with the new one', async () => {
    const chat = await h.newChat();
    const old = chat.state.token;
    h.emu.expireToken(old);
    const credits = await h.client.getCredits(chat.ref);
    expect(credits.available).toBe(100);
    expect(chat.state.refreshes).toBe(1);
    const auths = h.emu
      .requestsTo('credits')
      .slice(-2)
      .map((r) => r.headers['authorization']);
    expect(auths).toEqual([`Bearer ${old}`, `Bearer ${chat.state.token}`]);
  });

  it('gives up with NemoTokenError when the fresh token is refused too', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'state', code: 1001, times: 2 });
    await expect(h.client.getState(chat.ref)).rejects.toBeInstanceOf(NemoTokenError);
    expect(chat.state.refreshes).toBe(1);
  });
});

describe('1002: session not found', () => {
  it('renews the session once and retries with the new id', async () => {
    const chat = await h.newChat();
    const old = chat.state.sessionId;
    h.emu.dropSession(old);
    const state = await h.client.getState(chat.ref);
    expect(chat.state.renewals).toBe(1);
    expect(state.sessionId).toBe(chat.state.sessionId);
    expect(state.sessionId).not.toBe(old);
  });

  it('reopens upload sources for the retry, since the backend refused the first body', async () => {
    const chat = await h.newChat();
    h.emu.dropSession(chat.state.sessionId);
    const src = await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 }));
    const result = await h.client.uploadFiles(chat.ref, [src]);
    expect(result.files).toHaveLength(1);
    expect(src.opens()).toBe(2);
    expect(chat.state.renewals).toBe(1);
  });

  it('a call without a session to renew reports the 1002 as it is', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'credits', code: 1002 });
    await expect(h.client.getCredits(chat.ref)).rejects.toMatchObject({
      kind: 'session',
      endpoint: 'credits',
    });
  });
});

describe('HTTP 429', () => {
  it('waits rateLimitRetryMs, then retries once', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'credits', httpStatus: 429 });
    await expect(h.client.getCredits(chat.ref)).resolves.toMatchObject({ available: 100 });
    expect(h.waits).toEqual([30_000]);
  });

  it('a second 429 is NemoRateLimitedError', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'create-session', httpStatus: 429, times: 2 });
    await expect(h.client.createSession(chat.ref, {})).rejects.toBeInstanceOf(NemoRateLimitedError);
    expect(
      h.emu
        .requestsTo('create-session')
        .filter((r) => r.headers['authorization'] === `Bearer ${chat.state.token}`),
    ).toHaveLength(3);
  });

  it("the emulator's one-token-per-client rule surfaces as rate-limited after the one retry", async () => {
    await h.client.getAnonymousToken('same-client');
    await expect(h.client.getAnonymousToken('same-client')).rejects.toBeInstanceOf(NemoRateLimitedError);
    expect(h.waits).toEqual([30_000]);
  });
});

describe('HTTP 400 on anonymous-token', () => {
  it('retries once with a fresh uuid client id and returns it', async () => {
    h.emu.inject({ endpoint: 'anonymous-token', httpStatus: 400 });
    const anon = await h.client.getAnonymousToken('refused-id');
    expect(anon.clientId).toMatch(UUID);
    const sent = h.emu
      .requestsTo('anonymous-token')
      .slice(-2)
      .map((r) => r.headers['x-client-id']);
    expect(sent).toEqual(['refused-id', anon.clientId]);
  });

  it('a second 400 is NemoMissingClientIdError', async () => {
    h.emu.inject({ endpoint: 'anonymous-token', httpStatus: 400, times: 2 });
    await expect(h.client.getAnonymousToken('x')).rejects.toBeInstanceOf(NemoMissingClientIdError);
  });
});

describe('network errors and 5xx', () => {
  it('retries a GET with growing, jittered backoff until it works', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'credits', httpStatus: 503, times: 2 });
    await expect(h.client.getCredits(chat.ref)).resolves.toMatchObject({ total: 100 });
    expect(h.waits).toHaveLength(2);
    // base 10 ms, max 40 ms, "equal jitter": retry n waits within [ceil/2, ceil], ceil = min(40, 10·2^n).
    expect(h.waits[0]).toBeGreaterThanOrEqual(5);
    expect(h.waits[0]).toBeLessThanOrEqual(10);
    expect(h.waits[1]).toBeGreaterThanOrEqual(10);
    expect(h.waits[1]).toBeLessThanOrEqual(20);
  });

  it('stops after `attempts` tries with NemoServerError', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'state', httpStatus: 500, times: 3 });
    const error = await h.client.getState(chat.ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NemoServerError);
    expect(error).toMatchObject({ status: 500, endpoint: 'state', retryable: true });
  });

  it('retries a GET whose connection was reset, and a cancel that got a 502', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'state', resetConnection: true });
    await expect(h.client.getState(chat.ref)).resolves.toMatchObject({ sessionId: chat.state.sessionId });
    await h.client.uploadFiles(chat.ref, [
      await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 })),
    ]);
    const render = await h.client.startRender(chat.ref, (await h.client.getState(chat.ref)).draft);
    h.emu.inject({ endpoint: 'render-cancel', httpStatus: 502 });
    await h.client.cancelRender(chat.ref, render.id);
    expect(h.emu.renders.get(render.id)?.status).toBe('cancelled');
  });

  it('never retries a POST that may have been accepted', async () => {
    const chat = await h.newChat();
    const before = h.emu.requestsTo('create-session').length;
    h.emu.inject({ endpoint: 'create-session', httpStatus: 500 });
    await expect(h.client.createSession(chat.ref, {})).rejects.toBeInstanceOf(NemoServerError);
    h.emu.inject({ endpoint: 'claim-token', resetConnection: true });
    await expect(
      h.client.claimToken(chat.ref, { taskId: chat.state.taskId, sessionId: chat.state.sessionId }),
    ).rejects.toBeInstanceOf(NemoNetworkError);
    expect(h.emu.requestsTo('create-session').length - before).toBe(1);
    expect(h.emu.requestsTo('claim-token')).toHaveLength(1);
    expect(h.waits).toEqual([]);
  });
});

describe('typed errors users can cause', () => {
  it('4001 for bytes that are not media', async () => {
    const chat = await h.newChat();
    const src = await fileSource(await makeFakeExecutable());
    await expect(h.client.uploadFiles(chat.ref, [src])).rejects.toBeInstanceOf(NemoUnsupportedFileError);
  });

  it('4002 for a file over the limit, answered before the body was read', async () => {
    const chat = await h.newChat();
    h.emu.options.maxUploadBytes = 2_000;
    try {
      const src = await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 }));
      await expect(h.client.uploadFiles(chat.ref, [src])).rejects.toBeInstanceOf(NemoFileTooLargeError);
    } finally {
      h.emu.options.maxUploadBytes = 500 * 1024 * 1024;
    }
  });

  it('402 on export is NemoExportBlockedError, an unknown code NemoApiError', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'render-start', httpStatus: 402 });
    await expect(h.client.startRender(chat.ref, { t: [] })).rejects.toBeInstanceOf(NemoExportBlockedError);
    h.emu.inject({ endpoint: 'claim-token', code: 5555 });
    const error = await h.client
      .claimToken(chat.ref, { taskId: chat.state.taskId, sessionId: chat.state.sessionId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NemoApiError);
    expect(error).toMatchObject({ code: 5555, kind: 'api' });
  });

  it('an empty draft is refused with the backend code (never a crash)', async () => {
    const chat = await h.newChat();
    await expect(h.client.startRender(chat.ref, { t: [] })).rejects.toMatchObject({
      kind: 'api',
      code: 4003,
    });
  });
});

describe('answers of the wrong shape, timeouts and aborts', () => {
  it('a malformed answer is NemoProtocolError naming the endpoint, without the body', async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'credits', malformed: true });
    const error = (await h.client.getCredits(chat.ref).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NemoProtocolError);
    expect(error.message).toBe('credits: unexpected answer: the body is not JSON');
    expect(h.outcomes.at(-1)).toEqual({ endpoint: 'credits', outcome: 'protocol' });
  });

  it('a slow answer hits the per-call timeout (a POST is not retried)', async () => {
    const chat = await h.newChat();
    const fast = new NemoClient({
      baseUrl: h.emu.url,
      skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
      rateLimitRetryMs: 1,
      renderPollMaxMs: 10,
      requestTimeoutMs: 100,
    });
    h.emu.inject({ endpoint: 'claim-token', delayMs: 1_000 });
    const error = await fast
      .claimToken(chat.ref, { taskId: chat.state.taskId, sessionId: chat.state.sessionId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NemoTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 100, endpoint: 'claim-token' });
  });

  it("the caller's signal aborts a call in flight, and a pre-aborted one sends nothing", async () => {
    const chat = await h.newChat();
    h.emu.inject({ endpoint: 'state', delayMs: 2_000 });
    const controller = new AbortController();
    const pending = h.client.getState(chat.ref, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(NemoAbortedError);
    h.emu.clearFaults();

    const before = h.emu.requestsTo('credits').length;
    await expect(h.client.getCredits(chat.ref, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      NemoAbortedError,
    );
    expect(h.emu.requestsTo('credits').length).toBe(before);
  });

  it('an abort during the 429 wait ends the call as aborted', async () => {
    const chat = await h.newChat();
    const controller = new AbortController();
    // A sleep that only ends by abort, and aborts as soon as the client starts waiting: no race.
    const patient = new NemoClient({
      baseUrl: h.emu.url,
      skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
      rateLimitRetryMs: 30_000,
      renderPollMaxMs: 10,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
          controller.abort();
        }),
    });
    h.emu.inject({ endpoint: 'credits', httpStatus: 429 });
    const before = h.emu.requestsTo('credits').length;
    await expect(patient.getCredits(chat.ref, { signal: controller.signal })).rejects.toBeInstanceOf(
      NemoAbortedError,
    );
    expect(h.emu.requestsTo('credits').length - before).toBe(1);
  });
});
