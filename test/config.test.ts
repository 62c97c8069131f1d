import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('lease and lock durations', () => {
  it('default to the production values', () => {
    const config = loadConfig({});
    expect(config.jobs).toEqual({ lockMs: 10_000, stalledCheckMs: 5_000, holdLeaseMs: 15_000 });
    expect(config.chatLockTtlMs).toBe(30_000);
  });

  it('are read from the environment; the stalled check follows the job lock unless set', () => {
    expect(
      loadConfig({ JOB_LOCK_MS: '3000', JOB_HOLD_LEASE_MS: '2000', CHAT_LOCK_TTL_MS: '4000' }),
    ).toMatchObject({
      jobs: { lockMs: 3000, stalledCheckMs: 1500, holdLeaseMs: 2000 },
      chatLockTtlMs: 4000,
    });
    expect(loadConfig({ JOB_LOCK_MS: '3000', JOB_STALLED_CHECK_MS: '500' }).jobs.stalledCheckMs).toBe(500);
  });

  it('treat an empty value as unset', () => {
    expect(loadConfig({ JOB_LOCK_MS: '', JOB_STALLED_CHECK_MS: '' }).jobs).toMatchObject({
      lockMs: 10_000,
      stalledCheckMs: 5_000,
    });
  });

  it('refuse a value that is not a positive whole number of milliseconds, naming the variable', () => {
    expect(() => loadConfig({ JOB_HOLD_LEASE_MS: '1.5' })).toThrow(
      new ConfigError('JOB_HOLD_LEASE_MS must be a whole number of milliseconds'),
    );
    expect(() => loadConfig({ JOB_STALLED_CHECK_MS: '0' })).toThrow(
      new ConfigError('JOB_STALLED_CHECK_MS must be a positive number of milliseconds'),
    );
    expect(() => loadConfig({ CHAT_LOCK_TTL_MS: 'soon' })).toThrow(/^CHAT_LOCK_TTL_MS must be/);
  });
});
