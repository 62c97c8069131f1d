/** NEMO_ENGINE and the LOCAL_ENGINE_* variables, read by the one config loader. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('engine selection', () => {
  it('is the cloud by default, with no local engine', () => {
    const config = loadConfig({});
    expect(config.localEngine).toBeUndefined();
    expect(config.nemo.apiBase).toBe('https://mega-api-prod.nemovideo.ai');
  });

  it('NEMO_ENGINE=local brings the local engine with its defaults', () => {
    expect(loadConfig({ NEMO_ENGINE: 'local' }).localEngine).toEqual({
      dir: '.local-engine',
      maxBytes: 5000 * 1024 * 1024,
      workers: 1,
      preset: 'veryfast',
    });
    expect(
      loadConfig({
        NEMO_ENGINE: 'local',
        LOCAL_ENGINE_DIR: '/var/lib/engine',
        LOCAL_ENGINE_MAX_MB: '200',
        LOCAL_ENGINE_WORKERS: '2',
        LOCAL_ENGINE_PRESET: 'ultrafast',
      }).localEngine,
    ).toEqual({ dir: '/var/lib/engine', maxBytes: 200 * 1024 * 1024, workers: 2, preset: 'ultrafast' });
  });

  it('stops start-up with one line naming a bad variable', () => {
    expect(() => loadConfig({ NEMO_ENGINE: 'gpu' })).toThrow(
      new ConfigError('NEMO_ENGINE must be one of cloud, local'),
    );
    expect(() => loadConfig({ NEMO_ENGINE: 'local', LOCAL_ENGINE_WORKERS: '0' })).toThrow(
      new ConfigError('LOCAL_ENGINE_WORKERS must be from 1 to 16'),
    );
    expect(() => loadConfig({ LOCAL_ENGINE_PRESET: 'fastest' })).toThrow(
      /^LOCAL_ENGINE_PRESET must be one of ultrafast/,
    );
  });
});
