import { describe, expect, it } from 'vitest';
import {
  anonymousTokenData,
  creditsData,
  parseJsonKeepingIds,
  renderBody,
  snakeKeys,
  stateData,
  unwrapEnvelope,
  uploadData,
} from '../../src/nemo/schemas.js';

describe('unwrapEnvelope', () => {
  it('reads {code:0,data} and {success:true,data}', () => {
    expect(unwrapEnvelope({ code: 0, message: 'success', data: { a: 1 } })).toMatchObject({
      ok: true,
      data: { a: 1 },
    });
    expect(unwrapEnvelope({ code: '0', data: 2 })).toMatchObject({ ok: true, data: 2 });
    expect(unwrapEnvelope({ success: true, data: { b: 2 }, error: null })).toMatchObject({
      ok: true,
      data: { b: 2 },
    });
  });

  it('reads failures of both envelopes, codes as numbers or strings', () => {
    expect(unwrapEnvelope({ code: 1001, message: 'expired', data: null })).toEqual({
      ok: false,
      code: 1001,
      message: 'expired',
      data: null,
    });
    expect(unwrapEnvelope({ code: '2001', msg: 'no credits' })).toMatchObject({
      ok: false,
      code: 2001,
      message: 'no credits',
    });
    expect(unwrapEnvelope({ success: false, error: { code: 4002, message: 'too big' } })).toMatchObject({
      ok: false,
      code: 4002,
      message: 'too big',
    });
    expect(unwrapEnvelope({ success: false, error: 'nope' })).toMatchObject({
      ok: false,
      code: undefined,
      message: 'nope',
    });
  });

  it('takes a bare object as data only when allowed', () => {
    expect(unwrapEnvelope({ status: 'pending' })).toBeUndefined();
    expect(unwrapEnvelope({ status: 'pending' }, { allowBare: true })).toMatchObject({
      ok: true,
      data: { status: 'pending' },
    });
    expect(unwrapEnvelope([1], { allowBare: true })).toBeUndefined();
    expect(unwrapEnvelope('x')).toBeUndefined();
  });
});

describe('ids and numbers', () => {
  it('keeps 19-digit ids exact even when sent unquoted', () => {
    const parsed = parseJsonKeepingIds(
      '{"session_id": 5529798706024415232, "taskId":1, "count": 1234567890123456}',
    ) as Record<string, unknown>;
    expect(parsed['session_id']).toBe('5529798706024415232');
    expect(parsed['taskId']).toBe(1);
    expect(parsed['count']).toBe(1234567890123456);
  });

  it('accepts ids as numbers and numbers as strings, and ignores extra fields', () => {
    const credits = creditsData.parse({ available: '80', frozen: 20, bonus: 'x' });
    expect(credits).toEqual({ available: 80, frozen: 20, total: 100 });
    const token = anonymousTokenData.parse({
      token: 'nmv_usr_a',
      user_id: 42,
      expires_at: 1_700_000_000,
      credits: '100',
    });
    expect(token).toEqual({ token: 'nmv_usr_a', user_id: '42', expires_at: 1_700_000_000_000, credits: 100 });
    const iso = anonymousTokenData.parse({ token: 't', userId: 'anon_1', expiresAt: '2030-01-01T00:00:00Z' });
    expect(iso.expires_at).toBe(Date.parse('2030-01-01T00:00:00Z'));
  });

  it('camelCase and snake_case keys read the same; snake wins a tie', () => {
    expect(snakeKeys({ sessionId: 'a', task_id: 'b' })).toEqual({ session_id: 'a', task_id: 'b' });
    expect(snakeKeys({ sessionId: 'camel', session_id: 'snake' })).toEqual({ session_id: 'snake' });
  });

  it('refuses a missing required field', () => {
    expect(creditsData.safeParse({ frozen: 1 }).success).toBe(false);
    expect(anonymousTokenData.safeParse({ user_id: 'x', expires_at: 1 }).success).toBe(false);
    expect(anonymousTokenData.safeParse({ token: 't', user_id: 'x', expires_at: 'not a date' }).success).toBe(
      false,
    );
  });
});

describe('state and upload data', () => {
  it('fills a new session with empty lists and a null draft', () => {
    expect(stateData.parse({ session_id: 1, task_id: '2', state: {} })).toMatchObject({
      session_id: '1',
      task_id: '2',
    });
    expect(stateData.parse({}).state).toBeUndefined();
  });

  it('reads upload metadata tolerantly (fps fractions, numeric strings, junk dropped)', () => {
    const parsed = uploadData.parse({
      files: [
        {
          filename: 'a.mp4',
          file_type: 'video',
          cdn_url: 'http://x/a',
          duration: '2.5',
          width: 1920,
          fps: '30000/1001',
          hash: 'h',
        },
        { filename: 'b.png', fileType: 'image', cdnUrl: 'http://x/b', width: 'wide' },
      ],
      session_state_applied: true,
    });
    expect(parsed.files[0]).toEqual({
      filename: 'a.mp4',
      fileType: 'video',
      cdnUrl: 'http://x/a',
      durationSec: 2.5,
      width: 1920,
      fps: 30000 / 1001,
      hash: 'h',
    });
    expect(parsed.files[1]).toEqual({ filename: 'b.png', fileType: 'image', cdnUrl: 'http://x/b' });
  });
});

describe('renderBody', () => {
  it('reads the data shape', () => {
    const r = renderBody.parse({
      success: true,
      data: { id: 'render_1', status: 'completed', progress: 100, outputUrl: 'http://x/v.mp4', createdAt: 1 },
    });
    expect(r).toEqual({ id: 'render_1', status: 'completed', progress: 100, outputUrl: 'http://x/v.mp4' });
  });

  it('reads the top-level shape', () => {
    const r = renderBody.parse({
      id: 'render_2',
      status: 'completed',
      progress: '100',
      output: { url: 'u', duration: 3, size: 99 },
    });
    expect(r).toEqual({
      id: 'render_2',
      status: 'completed',
      progress: 100,
      outputUrl: 'u',
      durationSec: 3,
      sizeBytes: 99,
    });
  });

  it('normalizes status spellings and clamps progress; failed carries its error', () => {
    expect(renderBody.parse({ data: { status: 'Canceled', progress: 140 } })).toMatchObject({
      status: 'cancelled',
      progress: 100,
    });
    expect(renderBody.parse({ status: 'failed', error: { message: 'ffmpeg died' } })).toMatchObject({
      status: 'failed',
      error: 'ffmpeg died',
    });
  });

  it('refuses an unknown status or none', () => {
    expect(renderBody.safeParse({ data: { status: 'exploded' } }).success).toBe(false);
    expect(renderBody.safeParse({ data: { progress: 3 } }).success).toBe(false);
  });
});
