import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts', 'test/setup/redis-server.ts'],
    // Copies every log line for the suite-wide secrets scan (scripts/faults-report.mjs).
    setupFiles: ['test/setup/capture-logs.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep parallel files modest so ffmpeg and redis-server are not starved.
    maxWorkers: 2,
    pool: 'forks',
  },
});
