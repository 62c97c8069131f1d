import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger, REDACTED, scrubSecrets } from '../../src/logger.js';

// Fake credentials in the real shapes.
const NEMO = 'nmv_usr_4f9c2b7e1a0d48e6b3c5';
const TELEGRAM = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const DISCORD = 'MTA4NzY1NDMyMTA5ODc2NTQzMg.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789';
const BEARER_VALUE = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl';
const WEBHOOK_SECRET = 'plain_words_secret';
const ALL_SECRETS = [
  NEMO,
  TELEGRAM,
  DISCORD,
  BEARER_VALUE,
  WEBHOOK_SECRET,
  '%3AAAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
];

describe('createLogger', () => {
  let dir: string;
  let file: string;
  let log: Logger;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ops-logger-'));
    file = join(dir, 'log.ndjson');
    // A real pino destination (sonic-boom), synchronous so the file is complete when we read it.
    log = createLogger({
      level: 'debug',
      destination: pino.destination({ dest: file, sync: true }),
      knownSecrets: [WEBHOOK_SECRET],
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = () =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => ({ raw: line, json: JSON.parse(line) as Record<string, unknown> }));

  it('writes no secret from objects, errors, messages, URLs, headers or bindings, and keeps valid JSON', () => {
    const config = {
      telegram: { token: TELEGRAM, apiRoot: 'https://api.telegram.org' },
      nemo: { operatorToken: NEMO },
    };
    log.info({ config }, 'config loaded');
    log.info({
      req: {
        headers: {
          authorization: `Bearer ${BEARER_VALUE}`,
          'x-telegram-bot-api-secret-token': WEBHOOK_SECRET,
        },
      },
    });
    log.warn(`getFile failed: https://api.telegram.org/file/bot${TELEGRAM}/videos/file_1.mp4`);
    log.warn({ url: `https://api.telegram.org/bot${TELEGRAM.replace(':', '%3A')}/getMe` }, 'encoded url');
    log.error(
      new Error(`request failed with token ${NEMO}`, {
        cause: new Error(`Authorization: Bearer ${BEARER_VALUE}`),
      }),
    );
    log.error({ err: new TypeError(`discord login refused for ${DISCORD}`) }, 'discord');
    log.info('user %s sent %s', 'alice', NEMO);
    log
      .child({ chatKey: 'telegram:42', jobId: 'job-7' })
      .info({ detail: `echo ${DISCORD} and ${WEBHOOK_SECRET}` }, 'child');

    const written = lines();
    expect(written).toHaveLength(8);
    for (const { raw } of written) for (const secret of ALL_SECRETS) expect(raw).not.toContain(secret);
    const raw = written.map((l) => l.raw).join('\n');
    expect(raw.split(REDACTED).length - 1).toBeGreaterThanOrEqual(11);
  });

  it('keeps what is not secret: surrounding text, URL shape, non-secret fields and child bindings', () => {
    log
      .child({ chatKey: 'telegram:42', jobId: 'job-7' })
      .warn(
        { clientId: '8a1e6f0c-3b2d-4c5e-9f7a-1b2c3d4e5f60', sessionId: '5529798706024415232' },
        `getFile failed: https://api.telegram.org/file/bot${TELEGRAM}/videos/file_1.mp4`,
      );
    const [line] = lines();
    expect(line!.json).toMatchObject({
      chatKey: 'telegram:42',
      jobId: 'job-7',
      clientId: '8a1e6f0c-3b2d-4c5e-9f7a-1b2c3d4e5f60',
      sessionId: '5529798706024415232',
      msg: `getFile failed: https://api.telegram.org/file/bot${REDACTED}/videos/file_1.mp4`,
    });
  });

  it('censors secret-named fields whatever their shape, without changing the caller object', () => {
    const env = { NEMO_TOKEN: 'short', TELEGRAM_BOT_TOKEN: 'x', DISCORD_BOT_TOKEN: 'y', LOG_LEVEL: 'info' };
    log.info({ env, secret: 'z', session: { token: 'abc' } });
    const [line] = lines();
    expect(line!.json).toMatchObject({
      env: {
        NEMO_TOKEN: REDACTED,
        TELEGRAM_BOT_TOKEN: REDACTED,
        DISCORD_BOT_TOKEN: REDACTED,
        LOG_LEVEL: 'info',
      },
      secret: REDACTED,
      session: { token: REDACTED },
    });
    expect(env.NEMO_TOKEN).toBe('short');
  });

  it('serializes errors under `error` too, with their cause', () => {
    log.error({ error: new Error('outer', { cause: new Error('inner') }) }, 'failed');
    const [line] = lines();
    expect(line!.json.error).toMatchObject({ type: 'Error', message: 'outer', cause: { message: 'inner' } });
  });
});

describe('scrubSecrets', () => {
  it.each([
    ['a NemoVideo token', `token ${NEMO} expired`, `token ${REDACTED} expired`],
    ['a Telegram token in a URL', `GET /bot${TELEGRAM}/getMe`, `GET /bot${REDACTED}/getMe`],
    ['a Discord token', `Bot ${DISCORD}`, `Bot ${REDACTED}`],
    ['a Bearer header', `Authorization: Bearer ${BEARER_VALUE}`, `Authorization: Bearer ${REDACTED}`],
    ['a lower-case bearer', `bearer ${BEARER_VALUE}`, `bearer ${REDACTED}`],
  ])('removes %s', (_name, input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it('removes known secrets of any shape', () => {
    expect(scrubSecrets(`secret is ${WEBHOOK_SECRET}!`, [WEBHOOK_SECRET])).toBe(`secret is ${REDACTED}!`);
  });

  it('leaves ordinary backend text alone, claim links included (they are meant for the user)', () => {
    const text =
      'Bot started. Session 5529798706024415232 at 12:30:45, render_1732000000000 ready; claim at ' +
      'https://nemovideo.com/workspace/claim?ct=clm_7f3a9c. Time 10:00:00.';
    expect(scrubSecrets(text)).toBe(text);
  });
});
