/**
 * The report script can fail: a secret in a log line, or a problem counted in the figures, makes it exit 1;
 * a clean folder renders the tables and exits 0.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function resultsDir(logLine: string, crashes = 0): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'faults-report-'));
  for (const sub of ['figures', 'logs', 'secrets']) await mkdir(join(dir, sub));
  const row = {
    group: 'backend',
    inputClass: 'HTTP 500',
    inputs: 8,
    crashes,
    lostJobs: 0,
    duplicatedSideEffects: 0,
    unanswered: 0,
  };
  await writeFile(join(dir, 'figures', 'a.json'), JSON.stringify([row]));
  await writeFile(join(dir, 'logs', 'a.log'), `{"level":30,"msg":"ok"}\n${logLine}\n`);
  await writeFile(join(dir, 'secrets', 'a.json'), JSON.stringify(['issued-secret-value-123']));
  return dir;
}

async function report(dir: string): Promise<{ code: number; md: string }> {
  const out = join(dir, 'FAULTS.md');
  const code = await run('node', ['scripts/faults-report.mjs', dir, out]).then(
    () => 0,
    (error: { code: number }) => error.code,
  );
  return { code, md: await readFile(out, 'utf8') };
}

describe('scripts/faults-report.mjs', () => {
  it('renders the figures and finds no secret in clean logs', async () => {
    const { code, md } = await report(await resultsDir('{"msg":"token [Redacted]"}'));
    expect(code).toBe(0);
    expect(md).toContain('| HTTP 500 | 8 | 0 | 0 | 0 | 0 |');
    expect(md).toMatch(/\| 2 \| \d+ \| 0 \|/);
  });

  it.each([
    ['a known secret', '{"msg":"issued-secret-value-123"}'],
    ['a token shape', '{"msg":"nmv_usr_abcdef0123"}'],
    ['a Telegram bot token', '{"url":"/bot7012345678:AAE2E-bot_token-0123456789abcdefghijk/getMe"}'],
  ])('fails on %s in a log line', async (_name, line) => {
    const { code, md } = await report(await resultsDir(line));
    expect(code).toBe(1);
    expect(md).toMatch(/\| 2 \| \d+ \| 1 \|/);
  });

  it('fails on a counted crash', async () => {
    expect((await report(await resultsDir('{}', 1))).code).toBe(1);
  });
});
