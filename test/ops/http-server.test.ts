import { request } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpServer, startHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';

describe('startHttpServer', () => {
  let server: HttpServer;
  let base: string;
  let metrics: Metrics;
  let logLines: Record<string, unknown>[];
  let health: { ok: boolean; checks: Record<string, boolean | string> } | Error;

  beforeEach(async () => {
    logLines = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    metrics = createMetrics();
    health = { ok: true, checks: { redis: true, store: 'redis' } };
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      log: createLogger({ level: 'info', destination }),
      metrics,
      health: async () => {
        if (health instanceof Error) throw health;
        return health;
      },
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterEach(() => server.close());

  it('binds the port it was given 0 for', () => {
    expect(server.port).toBeGreaterThan(0);
  });

  it('answers /healthz 200 with the checks when healthy', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ ok: true, checks: { redis: true, store: 'redis' } });
  });

  it('answers /healthz 503 naming the failed check', async () => {
    health = { ok: false, checks: { redis: 'connection refused' } };
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, checks: { redis: 'connection refused' } });
  });

  it('answers /healthz 503 when the check itself throws', async () => {
    health = new Error('redis exploded');
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false });
  });

  it('serves /metrics as Prometheus text with the registry content type', async () => {
    metrics.updates.inc({ platform: 'console', intent: 'state' });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.registry.contentType);
    const body = await res.text();
    expect(body).toContain('# TYPE nemo_bot_updates_total counter');
    expect(body).toContain('nemo_bot_updates_total{platform="console",intent="state"} 1');
  });

  it('runs a mounted route with the request body and ignores the query string', async () => {
    server.route('POST', '/telegram/webhook', async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ got: JSON.parse(body), secret: req.headers['x-telegram-bot-api-secret-token'] }),
      );
    });
    const res = await fetch(`${base}/telegram/webhook?probe=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': 's3cret' },
      body: JSON.stringify({ update_id: 7 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: { update_id: 7 }, secret: 's3cret' });
  });

  it('answers 405 with Allow for a known path and another method, 404 for an unknown path', async () => {
    server.route('POST', '/telegram/webhook', (_req, res) => {
      res.end();
    });
    const wrongMethod = await fetch(`${base}/telegram/webhook`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const missing = await fetch(`${base}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
  });

  it('refuses a second handler for the same route', () => {
    expect(() => server.route('get', '/healthz', () => {})).toThrow(/already mounted/);
  });

  it('answers 500 and keeps serving when a handler throws or rejects, and logs the error', async () => {
    server.route('GET', '/sync-bug', () => {
      throw new Error('sync bug');
    });
    server.route('GET', '/async-bug', async () => {
      await Promise.resolve();
      throw new Error('async bug');
    });
    for (const path of ['/sync-bug', '/async-bug']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'internal error' });
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const errors = logLines.filter((line) => line.msg === 'http handler failed');
    expect(errors.map((line) => (line.err as { message: string }).message)).toEqual([
      'sync bug',
      'async bug',
    ]);
  });

  it('drops the connection when a handler fails after it started answering', async () => {
    server.route('GET', '/half', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('partial');
      throw new Error('midway');
    });
    await expect(fetch(`${base}/half`).then((res) => res.text())).rejects.toThrow();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('closes gracefully: an in-flight request finishes, then no new connection is accepted', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    server.route('GET', '/slow', async (_req, res) => {
      entered();
      await released;
      res.end('done');
    });
    // An idle keep-alive connection must not hold close() open.
    await (await fetch(`${base}/healthz`)).text();

    const inFlight = fetch(`${base}/slow`).then((res) => res.text());
    await handlerEntered;
    const closed = server.close();
    release();
    expect(await inFlight).toBe('done');
    await closed;
    await expect(get(`${base}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('cuts a request that outlives the close grace period instead of hanging shutdown', async () => {
    const strict = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      log: createLogger({ level: 'silent' }),
      metrics,
      health: async () => ({ ok: true, checks: {} }),
      closeGraceMs: 20,
    });
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    strict.route('GET', '/hang', () => entered());
    const hung = get(`http://127.0.0.1:${strict.port}/hang`);
    await handlerEntered;
    await strict.close();
    await expect(hung).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});

/** A fresh connection (no pooled keep-alive socket), to see whether the server still accepts. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
