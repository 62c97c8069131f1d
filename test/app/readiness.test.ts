import { expect, it } from 'vitest';
import { startApp } from '../../adapters/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFakeTelegram } from '../fakes/telegram/server.js';
import { freePort } from '../setup/redis-server.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';

const TOKEN = '123456789:AAHreadinessTestTokenAAAAAAAAAAAAAA';

async function health(
  port: number,
): Promise<{ status: number; checks: Record<string, unknown> } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return { status: res.status, checks: ((await res.json()) as { checks: Record<string, unknown> }).checks };
  } catch {
    return undefined; // not listening yet
  }
}

// A load balancer trusts /healthz: it must not say "ready" while the webhook route or an adapter is missing.
it('/healthz says not ready until every adapter has started, then ready', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Start-up stalls at setMyCommands, after the HTTP server is up and before the adapter is started.
  const telegram = await startFakeTelegram({
    token: TOKEN,
    beforeAnswer: (method) => (method === 'setMyCommands' ? gate : undefined),
  });
  const port = await freePort();
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    HTTP_PORT: String(port),
    NEMO_API_BASE: 'http://127.0.0.1:9',
  });
  const deadline = deadlineIn(20_000);
  const starting = startApp(config, { log: createLogger({ level: 'silent' }) });
  try {
    await telegram.waitFor('setMyCommands');
    const early = await waitFor(() => health(port), { deadline, what: '/healthz to answer' });
    expect(early).toMatchObject({ status: 503, checks: { started: false } });
    release();
    const app = await starting;
    expect(await health(port)).toMatchObject({ status: 200, checks: { started: true, telegram: true } });
    await app.stop();
  } finally {
    release();
    await starting.then((app) => app.stop()).catch(() => undefined);
    await telegram.close();
  }
});
