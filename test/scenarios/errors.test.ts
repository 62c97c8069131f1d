/**
 * Each backend error code → what the user reads, with the emulator's request log showing the bot did only
 * what it should (one silent retry, no resend of an accepted edit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeClip } from '../fixtures/media.js';
import { fileAttachment, type Harness, startHarness } from '../support/harness.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function greeted(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  h = await startHarness(options);
  await h.send('/start');
  expect(h.port.texts.some((t) => t.startsWith('✅ Ready.'))).toBe(true);
  h.port.clear();
  return h;
}

async function withClip(harness: Harness): Promise<void> {
  const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
  await harness.send({ attachments: [await fileAttachment(clip)] });
  harness.port.clear();
}

describe('1001 bad or expired token', () => {
  it('gets a new token silently and answers', async () => {
    const h = await greeted();
    const before = await h.store.getChat(h.chatKey);
    h.emulator.expireToken(before.token!);
    await h.send('credits');
    expect(h.port.sent).toEqual(['Credits: 100 available, 0 held by running jobs, 100 total.']);
    const after = await h.store.getChat(h.chatKey);
    expect(after.token).not.toBe(before.token);
    expect(after.clientId).not.toBe(before.clientId);
    expect(h.emulator.requestsTo('anonymous-token')).toHaveLength(2);
  });

  it('says it could not sign in when the retry fails too', async () => {
    const h = await greeted();
    h.emulator.inject({ endpoint: 'credits', code: 1001, times: 2 });
    await h.send('credits');
    expect(h.port.sent).toEqual(["Couldn't sign in to the video service, try again in a minute."]);
    expect(h.emulator.requestsTo('credits')).toHaveLength(2);
  });
});

describe('1002 session not found', () => {
  it('starts a new session and says the old timeline is gone', async () => {
    const h = await greeted();
    await withClip(h);
    const old = (await h.store.getChat(h.chatKey)).sessionId!;
    h.emulator.dropSession(old);
    await h.send('status');
    expect(h.port.sent[0]).toBe(
      'Your previous session expired, so your previous timeline is gone. I started a new one.',
    );
    expect(h.port.sent[1]).toMatch(/^The timeline is empty\./);
    const renewed = (await h.store.getChat(h.chatKey)).sessionId;
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(old);
  });
});

describe('2001 no credits', () => {
  it('gives an anonymous user a registration link bound to their id', async () => {
    const h = await greeted();
    const record = await h.store.getChat(h.chatKey);
    h.emulator.setCredits(record.token!, 0);
    await h.send('generate a video of a cat');
    const text = h.port.texts.at(-1)!;
    expect(text).toContain(`https://nemovideo.com/register?bind=${record.userId}`);
    expect(record.userId).toMatch(/^anon_/);
    expect(h.emulator.sessions.get(record.sessionId!)!.messages).toHaveLength(0);
  });

  it('tells a registered (operator token) user to top up', async () => {
    const h = await greeted({ operatorToken: 'nmv_usr_operator0123456789' });
    expect(h.emulator.requestsTo('anonymous-token')).toHaveLength(0);
    h.emulator.setCredits('nmv_usr_operator0123456789', 0);
    await h.send('generate a video of a cat');
    expect(h.port.texts.at(-1)).toBe(
      'You’re out of credits. Top up credits in your account, then try again.',
    );
  });
});

describe('upload refused by the backend', () => {
  it('4001 lists the accepted formats', async () => {
    const h = await greeted();
    h.emulator.inject({ endpoint: 'upload', code: 4001 });
    const clip = await makeClip({ seconds: 1, width: 320, height: 240 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    expect(h.port.texts.at(-1)).toBe(
      "The video service doesn't accept that file. Supported formats: MP4, MOV, AVI, WebM, MKV (video); JPG, PNG, GIF, WebP (images); MP3, WAV, M4A, AAC (audio).",
    );
  });

  it('4002 says the limit and suggests trimming or compressing', async () => {
    const h = await greeted({ skill: 'nemo-video-gen' });
    h.emulator.inject({ endpoint: 'upload', code: 4002 });
    const clip = await makeClip({ seconds: 1, width: 320, height: 240 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    expect(h.port.texts.at(-1)).toBe(
      'That file is too large (the limit is 200 MB). Trim or compress it and send it again.',
    );
  });
});

describe('402 export blocked', () => {
  it('asks to register or upgrade, not to buy credits', async () => {
    const h = await greeted();
    await withClip(h);
    h.emulator.inject({ endpoint: 'render-start', httpStatus: 402 });
    await h.send('export');
    expect(h.port.texts.at(-1)).toBe('Register or upgrade your plan to unlock export.');
    expect(h.port.videos).toHaveLength(0);
  });
});

describe('429 rate limited', () => {
  it('retries once, then says the service is busy', async () => {
    const h = await greeted();
    h.emulator.inject({ endpoint: 'credits', httpStatus: 429, times: 2 });
    await h.send('credits');
    expect(h.port.sent).toEqual(['The service is busy, try again in a minute.']);
    expect(h.emulator.requestsTo('credits')).toHaveLength(2);
  });

  it('recovers silently when the retry succeeds', async () => {
    const h = await greeted();
    h.emulator.inject({ endpoint: 'credits', httpStatus: 429 });
    await h.send('credits');
    expect(h.port.sent).toEqual(['Credits: 100 available, 0 held by running jobs, 100 total.']);
  });
});

describe('5xx, network and protocol trouble', () => {
  it('apologises briefly without details', async () => {
    const h = await greeted();
    for (const fault of [{ httpStatus: 503 }, { malformed: true }, { resetConnection: true }]) {
      h.port.clear();
      h.emulator.clearFaults();
      h.emulator.inject({ endpoint: 'credits', times: Number.POSITIVE_INFINITY, ...fault });
      await h.send('credits');
      expect(h.port.sent, JSON.stringify(fault)).toEqual([
        'Sorry — the video service is having trouble right now. Please try again in a few minutes.',
      ]);
    }
  });

  it('a failed first connection says so in the "Connecting…" message', async () => {
    h = await startHarness();
    h.emulator.inject({ endpoint: 'create-session', httpStatus: 500, times: Number.POSITIVE_INFINITY });
    await h.send('hello');
    expect(h.port.texts).toEqual([
      'Connecting…',
      'Sorry — the video service is having trouble right now. Please try again in a few minutes.',
    ]);
    expect(h.emulator.requestsTo('run-sse')).toHaveLength(0);
  });
});

describe('edit stream trouble', () => {
  it('a stream cut midway: says the edit may be partial, shows the timeline, never resends', async () => {
    const h = await greeted();
    await withClip(h);
    h.emulator.inject({ endpoint: 'run-sse', dropAfterEvents: 2 });
    await h.send('add background music and a title "Hi"');
    const last = h.port.sent.at(-1)!;
    expect(last).toMatch(/^⚠️ The connection dropped before the edit finished/);
    expect(last).toMatch(/Timeline \(\d tracks?\)/);
    expect(h.emulator.requestsTo('run-sse')).toHaveLength(1);
  });

  it('an agent error mid-stream: says so, no resend', async () => {
    const h = await greeted();
    await withClip(h);
    await h.send('apply a cinematic look #stream-error');
    // The error, then where the timeline stands (the tools ran before the agent failed); never "Done".
    const last = h.port.sent.at(-1)!;
    expect(
      last.startsWith(
        '⚠️ The video service ran into a problem with this edit. Check /status, then try again.\n\n',
      ),
    ).toBe(true);
    expect(last).toMatch(/Timeline \(/);
    expect(h.port.texts.some((text) => text.startsWith('✅ Done'))).toBe(false);
    expect(h.emulator.requestsTo('run-sse')).toHaveLength(1);
  });

  it('stops waiting at the maximum duration', async () => {
    const h = await greeted({ editMaxDurationMs: 150, emulator: { heartbeatMs: 20 } });
    // The stream never ends by itself: only the bot's limit can stop the wait.
    h.emulator.holdEdits();
    await h.send('generate a video of waves');
    expect(h.port.sent.at(-1)).toMatch(/^⚠️ I stopped waiting after 0 s\. The service may still finish it/);
    expect(h.emulator.requestsTo('run-sse')).toHaveLength(1);
  });
});

describe('render failed', () => {
  it('tells the user the render failed', async () => {
    const h = await greeted();
    await withClip(h);
    // The render stays running until it is failed: it cannot complete first.
    h.emulator.holdRenders();
    const exporting = h.start('export');
    await h.port.waitForText(/^🎬 Rendering… 0%$/);
    const renderId = await waitFor(async () => (await h.store.getChat(h.chatKey)).lastRenderId, {
      deadline: deadlineIn(20_000),
      what: 'the render id to be saved',
    });
    h.emulator.failRender(renderId);
    await exporting;
    expect(h.port.texts.at(-1)).toBe(
      'Sorry — the render failed on the service. Try /export again in a moment.',
    );
    expect(h.port.videos).toHaveLength(0);
  });
});
