import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudio, makeClip, makeImage } from '../fixtures/media.js';
import { type Harness, startHarness } from './harness.js';
import { fileSource } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('NemoClient against the emulator: every endpoint', () => {
  it('gets an anonymous token for the client id it sent', async () => {
    const anon = await h.client.getAnonymousToken('client-happy-1');
    expect(anon.token).toMatch(/^nmv_usr_/);
    expect(anon.userId).toMatch(/^anon_/);
    expect(anon.credits).toBe(100);
    expect(anon.clientId).toBe('client-happy-1');
    expect(anon.expiresAt).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    const sent = h.emu.requestsTo('anonymous-token').at(-1)!;
    expect(sent.headers['x-client-id']).toBe('client-happy-1');
    expect(sent.headers['authorization']).toBeUndefined();
  });

  it('creates a session with a numeric-string id and sends the attribution headers and the token', async () => {
    const chat = await h.newChat();
    expect(chat.state.sessionId).toMatch(/^\d+$/);
    expect(h.emu.sessions.get(chat.state.sessionId)?.language).toBe('en');
    const sent = h.emu.requestsTo('create-session').at(-1)!;
    expect(sent.body).toMatchObject({ task_name: 'project', language: 'en' });
    expect(sent.headers['authorization']).toBe(`Bearer ${chat.state.token}`);
    expect(sent.headers['x-skill-source']).toBe('video-models');
    expect(sent.headers['x-skill-version']).toBe('1.0.0');
    expect(sent.headers['x-skill-platform']).toBe('unknown');
  });

  it('reads credits, with total = available + frozen', async () => {
    const chat = await h.newChat();
    const credits = await h.client.getCredits(chat.ref);
    expect(credits).toEqual({ available: 100, frozen: 0, total: 100 });
  });

  it('reads the session state', async () => {
    const chat = await h.newChat();
    const state = await h.client.getState(chat.ref);
    expect(state.sessionId).toBe(chat.state.sessionId);
    expect(state.taskId).toBe(chat.state.taskId);
    expect(state.videoInfos).toEqual([]);
    expect(state.draft).toMatchObject({ t: expect.any(Array) });
    expect(state.raw).toMatchObject({ session_id: chat.state.sessionId });
  });

  it('uploads a real clip as a stream and the backend sees the same bytes', async () => {
    const chat = await h.newChat();
    const path = await makeClip({ seconds: 1, width: 320, height: 240 });
    const src = await fileSource(path, { name: 'city timelapse.mp4' });
    let lastProgress = 0;
    const result = await h.client.uploadFiles(chat.ref, [src], { onProgress: (n) => (lastProgress = n) });
    const bytes = await readFile(path);
    expect(lastProgress).toBe(bytes.length);
    expect(result.files).toHaveLength(1);
    const [file] = result.files;
    expect(file).toMatchObject({
      filename: 'city timelapse.mp4',
      fileType: 'video',
      width: 320,
      height: 240,
    });
    expect(file!.durationSec).toBeCloseTo(1, 0);
    expect(file!.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    const sent = h.emu.requestsTo('upload').at(-1)!;
    expect(Number(sent.headers['content-length'])).toBe(sent.bodyBytes);
    const state = await h.client.getState(chat.ref);
    expect(JSON.stringify(state.draft)).toContain('city timelapse');
  });

  it('uploads several files of unknown length in one chunked request', async () => {
    const chat = await h.newChat();
    const image = await fileSource(await makeImage({ width: 64, height: 64, format: 'png' }), {
      mimeType: 'image/png',
      knownSize: false,
    });
    const audio = await fileSource(await makeAudio({ seconds: 1, format: 'wav' }), {
      mimeType: 'audio/wav',
      knownSize: false,
    });
    const result = await h.client.uploadFiles(chat.ref, [image, audio]);
    expect(result.files.map((f) => f.fileType)).toEqual(['image', 'audio']);
    const sent = h.emu.requestsTo('upload').at(-1)!;
    expect(sent.headers['transfer-encoding']).toBe('chunked');
  });

  it('uploads by URL', async () => {
    const chat = await h.newChat();
    const first = await h.client.uploadFiles(chat.ref, [
      await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 })),
    ]);
    const result = await h.client.uploadUrls(chat.ref, [first.files[0]!.cdnUrl]);
    expect(result.files[0]).toMatchObject({ fileType: 'video', width: 320 });
    expect(h.emu.requestsTo('upload').at(-1)!.body).toEqual({
      urls: [first.files[0]!.cdnUrl],
      source_type: 'url',
    });
  });

  it('claims a token and builds the browser link', async () => {
    const chat = await h.newChat();
    const claim = await h.client.claimToken(chat.ref, {
      taskId: chat.state.taskId,
      sessionId: chat.state.sessionId,
    });
    expect(claim.claimToken).toMatch(/^clm_/);
    expect(claim.expiresIn).toBeGreaterThan(0);
    expect(claim.url).toBe(`https://nemovideo.com/workspace/claim?ct=${claim.claimToken}`);
    expect(h.emu.requestsTo('claim-token').at(-1)!.body).toEqual({
      task_id: chat.state.taskId,
      session_id: chat.state.sessionId,
    });
  });

  it('builds the download fallback URL the emulator redirects to the video', async () => {
    expect(h.client.downloadUrl('render_1_ab')).toBe(`${h.emu.url}/api/render/proxy/render_1_ab/download`);
  });

  it('reports each finished call to the observer', async () => {
    const before = h.outcomes.length;
    const chat = await h.newChat();
    await h.client.getCredits(chat.ref);
    expect(h.outcomes.slice(before)).toEqual([
      { endpoint: 'anonymous-token', outcome: 'ok' },
      { endpoint: 'create-session', outcome: 'ok' },
      { endpoint: 'credits', outcome: 'ok' },
    ]);
  });

  it('renders, and the download fallback redirects to the finished video', async () => {
    const chat = await h.newChat();
    await h.client.uploadFiles(chat.ref, [
      await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 })),
    ]);
    const { draft } = await h.client.getState(chat.ref);
    const started = await h.client.startRender(chat.ref, draft);
    const done = await h.client.waitForRender(chat.ref, started.id);
    expect(done.status).toBe('completed');
    expect(done.outputUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const res = await request(h.client.downloadUrl(started.id), {
      headers: { authorization: `Bearer ${chat.state.token}` },
    });
    await res.body.dump();
    expect(res.statusCode).toBe(302);
    expect(res.headers['location']).toBe(done.outputUrl);
  });
});
