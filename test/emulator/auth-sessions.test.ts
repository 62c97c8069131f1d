import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { anonymousToken, call, getState, newSession, runSse } from './helpers.js';

let emu: Emulator;
beforeEach(async () => {
  emu ??= await startEmulator();
  emu.reset();
  emu.options.tokensPerIpPer7Days = 10;
  emu.options.operatorTokens = [];
});
afterAll(() => emu?.close());

const TOKEN_PATH = '/api/auth/anonymous-token';

describe('anonymous tokens', () => {
  it('issues an nmv_usr_ token with 100 credits for 7 days', async () => {
    const res = await call(emu, 'POST', TOKEN_PATH, { headers: { 'x-client-id': 'client-a' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: 0, data: { credits: 100 } });
    expect(res.json.data.token).toMatch(/^nmv_usr_[0-9a-f]+$/);
    expect(res.json.data.user_id).toMatch(/^anon_/);
    const days = (Date.parse(res.json.data.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    expect(emu.tokens.get(res.json.data.token)).toMatchObject({ clientId: 'client-a', registered: false });
  });

  it('answers HTTP 400 without X-Client-Id', async () => {
    const res = await call(emu, 'POST', TOKEN_PATH);
    expect(res.status).toBe(400);
    expect(emu.tokens.size).toBe(0);
  });

  it('answers HTTP 429 to a second request from the same client id', async () => {
    await anonymousToken(emu, 'same-client');
    const again = await call(emu, 'POST', TOKEN_PATH, { headers: { 'x-client-id': 'same-client' } });
    expect(again.status).toBe(429);
    expect(emu.tokens.size).toBe(1);
  });

  it('answers HTTP 429 past tokensPerIpPer7Days client ids from one IP, and counts IPs apart', async () => {
    emu.options.tokensPerIpPer7Days = 2;
    await anonymousToken(emu, 'c1');
    await anonymousToken(emu, 'c2');
    const third = await call(emu, 'POST', TOKEN_PATH, { headers: { 'x-client-id': 'c3' } });
    expect(third.status).toBe(429);
    const otherIp = await call(emu, 'POST', TOKEN_PATH, {
      headers: { 'x-client-id': 'c3', 'x-forwarded-for': '10.0.0.7' },
    });
    expect(otherIp.json.code).toBe(0);
  });

  it('answers code 1001 to an unknown, missing or expired token', async () => {
    expect((await call(emu, 'GET', '/api/credits/balance/simple', { token: 'nmv_usr_nope' })).json.code).toBe(
      1001,
    );
    expect((await call(emu, 'GET', '/api/credits/balance/simple')).json.code).toBe(1001);
    const token = await anonymousToken(emu);
    expect((await call(emu, 'GET', '/api/credits/balance/simple', { token })).json.code).toBe(0);
    emu.expireToken(token);
    const expired = await call(emu, 'GET', '/api/credits/balance/simple', { token });
    expect(expired.status).toBe(200);
    expect(expired.json).toMatchObject({ code: 1001, data: null });
  });

  it('accepts operator tokens as registered accounts', async () => {
    emu.options.operatorTokens = ['nmv_usr_operator'];
    const res = await call(emu, 'GET', '/api/credits/balance/simple', { token: 'nmv_usr_operator' });
    expect(res.json.code).toBe(0);
    expect(res.json.data.available).toBeGreaterThan(10_000);
    expect(emu.tokens.get('nmv_usr_operator')?.registered).toBe(true);
  });
});

describe('sessions', () => {
  it('creates a session with a numeric-string id and an empty draft', async () => {
    const token = await anonymousToken(emu);
    const res = await call(emu, 'POST', '/api/tasks/me/with-session/nemo_agent', {
      token,
      body: { task_name: 'project', language: 'zh-CN' },
    });
    expect(res.json.code).toBe(0);
    expect(res.json.data.session_id).toMatch(/^\d{19}$/);
    expect(res.json.data.user_id).toBe(emu.tokens.get(token)?.userId);
    expect(emu.sessions.get(res.json.data.session_id)).toMatchObject({
      taskName: 'project',
      language: 'zh-CN',
    });

    const state = await getState(emu, token, res.json.data.session_id);
    expect(state.data).toMatchObject({
      session_id: res.json.data.session_id,
      task_id: res.json.data.task_id,
    });
    expect(state.data.state).toMatchObject({ video_infos: [], generated_media: [], video_analyses: [] });
    expect(state.data.state.draft).toMatchObject({ t: [], d: 0, m: { width: 1920, height: 1080 } });
  });

  it('answers 1002 for a dropped session, and HTTP 404 {detail} on run_sse', async () => {
    const token = await anonymousToken(emu);
    const sid = await newSession(emu, token);
    emu.dropSession(sid);
    expect((await getState(emu, token, sid)).code).toBe(1002);
    const sse = await runSse(emu, token, sid, 'add music');
    expect(sse.status).toBe(404);
    expect(JSON.parse(sse.raw)).toEqual({ detail: 'Session not found' });
    expect(emu.tokens.get(token)?.credits.available).toBe(100);
  });

  it("hides another user's session behind 1002", async () => {
    const owner = await anonymousToken(emu);
    const stranger = await anonymousToken(emu);
    const sid = await newSession(emu, owner);
    expect((await getState(emu, stranger, sid)).code).toBe(1002);
  });

  it('issues claim tokens for the caller’s session', async () => {
    const token = await anonymousToken(emu);
    const sid = await newSession(emu, token);
    const taskId = emu.sessions.get(sid)!.taskId;
    const res = await call(emu, 'POST', '/api/auth/claim-token', {
      token,
      body: { task_id: taskId, session_id: sid },
    });
    expect(res.json.data.claim_token).toMatch(/^clm_/);
    expect(res.json.data.expires_in).toBe(3600);
  });

  it('records requests with headers and JSON bodies', async () => {
    const token = await anonymousToken(emu);
    await newSession(emu, token);
    const [created] = emu.requestsTo('create-session');
    expect(created).toMatchObject({ method: 'POST', path: '/api/tasks/me/with-session/nemo_agent' });
    expect(created?.headers['x-skill-source']).toBe('video-models');
    expect(created?.body).toEqual({ task_name: 'project', language: 'en' });
  });

  it('answers 404 and 405 like a FastAPI gateway for unknown paths and methods', async () => {
    expect((await call(emu, 'GET', '/api/nope')).status).toBe(404);
    expect((await call(emu, 'GET', '/run_sse')).status).toBe(405);
  });
});
