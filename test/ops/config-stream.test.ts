import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('the edit stream’s limits in the config', () => {
  it('default to the documented 15 minutes and 1 MiB per event', () => {
    const { nemo } = loadConfig({});
    expect(nemo.editMaxMs).toBe(15 * 60_000);
    expect(nemo.sseMaxEventBytes).toBe(1024 * 1024);
  });

  it('take operator values', () => {
    const { nemo } = loadConfig({ NEMO_EDIT_MAX_MS: '1200000', NEMO_SSE_MAX_EVENT_BYTES: '65536' });
    expect(nemo.editMaxMs).toBe(1_200_000);
    expect(nemo.sseMaxEventBytes).toBe(65_536);
  });

  it('refuse values that would break every stream, naming the variable', () => {
    expect(() => loadConfig({ NEMO_SSE_MAX_EVENT_BYTES: '100' })).toThrow(
      new ConfigError('NEMO_SSE_MAX_EVENT_BYTES must be at least 4096 bytes'),
    );
    expect(() => loadConfig({ NEMO_EDIT_MAX_MS: '0' })).toThrow(/^NEMO_EDIT_MAX_MS must be/);
  });
});
