import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, endpointLabel, nemoObserver } from '../../src/metrics.js';

describe('createMetrics', () => {
  it('exposes every bot metric with its labels, plus default process metrics', async () => {
    const metrics = createMetrics();
    metrics.updates.inc({ platform: 'telegram', intent: 'edit' });
    metrics.runningJobs.inc({ kind: 'render' });
    metrics.openStreams.inc();
    metrics.uploadBytes.inc({ platform: 'discord' }, 1_048_576);
    metrics.deliveries.inc({ platform: 'telegram', mode: 'file' });
    const observer = nemoObserver(metrics);
    observer.callFinished('/api/render/proxy/lambda/render_1732000000000?x=1', 1_500, 'ok');
    observer.callFinished('/run_sse', 840_000, 'timeout');

    const text = await metrics.registry.metrics();
    expect(text).toContain('nemo_bot_updates_total{platform="telegram",intent="edit"} 1');
    expect(text).toContain('nemo_bot_running_jobs{kind="render"} 1');
    expect(text).toContain('nemo_bot_open_streams 1');
    expect(text).toContain('nemo_bot_upload_bytes_total{platform="discord"} 1048576');
    expect(text).toContain('nemo_bot_deliveries_total{platform="telegram",mode="file"} 1');
    expect(text).toContain(
      'nemo_bot_backend_request_duration_seconds_sum{endpoint="/api/render/proxy/lambda/:id",outcome="ok"} 1.5',
    );
    // An 14-minute SSE stream still lands in a finite bucket.
    expect(text).toContain(
      'nemo_bot_backend_request_duration_seconds_bucket{le="900",endpoint="/run_sse",outcome="timeout"} 1',
    );
    expect(text).toContain(
      'nemo_bot_backend_request_duration_seconds_bucket{le="600",endpoint="/run_sse",outcome="timeout"} 0',
    );
    expect(text).toContain('nemo_bot_backend_errors_total{endpoint="/run_sse",kind="timeout"} 1');
    expect(text).not.toContain('nemo_bot_backend_errors_total{endpoint="/api/render/proxy/lambda/:id"');
    expect(text).toContain('nemo_bot_process_cpu_user_seconds_total');
    expect(text).toContain('nemo_bot_nodejs_eventloop_lag_seconds');
  });

  it('keeps separate registries apart, so two instances never clash', async () => {
    const a = createMetrics(new Registry());
    const b = createMetrics(new Registry());
    a.updates.inc({ platform: 'console', intent: 'credits' });
    expect(await a.registry.metrics()).toContain(
      'nemo_bot_updates_total{platform="console",intent="credits"} 1',
    );
    expect(await b.registry.metrics()).not.toContain('intent="credits"');
  });
});

describe('endpointLabel', () => {
  it.each([
    ['/api/state/nemo_agent/me/5529798706024415232/latest', '/api/state/nemo_agent/me/:id/latest'],
    ['/api/upload-video/nemo_agent/me/5529798706024415232', '/api/upload-video/nemo_agent/me/:id'],
    ['/api/render/proxy/lambda/render_1732000000000/cancel', '/api/render/proxy/lambda/:id/cancel'],
    ['/api/render/proxy/8a1e6f0c-3b2d-4c5e-9f7a-1b2c3d4e5f60/download', '/api/render/proxy/:id/download'],
    ['/api/credits/balance/simple?x=1', '/api/credits/balance/simple'],
    ['/api/auth/anonymous-token', '/api/auth/anonymous-token'],
    ['/api/tasks/me/with-session/nemo_agent', '/api/tasks/me/with-session/nemo_agent'],
  ])('%s → %s', (path, label) => {
    expect(endpointLabel(path)).toBe(label);
  });
});
