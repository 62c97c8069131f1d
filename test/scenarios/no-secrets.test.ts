/**
 * No token and no raw JSON ever reaches a user. The detector is tested on its own (so the suite-wide check
 * in recording-port.ts can fail), then a whole session in the backend's other dialects (legacy SSE events,
 * top-level render answers) runs through it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeClip } from '../fixtures/media.js';
import { fileAttachment, type Harness, startHarness } from '../support/harness.js';
import { findLeaks, looksLikeRawJson } from '../support/leaks.js';
import { shownTexts } from '../support/recording-port.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the leak detector', () => {
  it('flags tokens, known secrets and raw JSON', () => {
    expect(findLeaks(['your token is nmv_usr_abc123'])).toHaveLength(1);
    expect(findLeaks(['Authorization: Bearer abc.def'])).toHaveLength(1);
    expect(findLeaks(['claim at clm_0123456789'])).toHaveLength(1);
    expect(findLeaks(['the secret is s3cr3t-value'], ['s3cr3t-value'])).toHaveLength(1);
    expect(looksLikeRawJson('{"code":1001,"message":"bad token"}')).toBe(true);
    expect(looksLikeRawJson('[1, 2, 3]')).toBe(true);
    expect(looksLikeRawJson('Error: {"detail":"Session not found"}')).toBe(true);
  });

  it('lets ordinary answers through', () => {
    expect(
      findLeaks([
        'Credits: 100 available, 0 held by running jobs, 100 total.',
        'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)',
        '[Export] [Status]  (type /export or /status)',
        'https://nemovideo.com/register?bind=anon_123',
      ]),
    ).toEqual([]);
  });
});

describe('a whole session in the backend dialects', () => {
  it('legacy SSE events and top-level render answers, in English and Chinese', async () => {
    h = await startHarness({
      emulator: {
        sseStyle: 'legacy',
        renderPollShape: 'alternate',
        noTextRatio: 0.5,
        seed: 7,
        initialCredits: 1000,
      },
    });
    const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    await h.send('apply a cinematic look (GUI)');
    await h.send('add background music');
    await h.send({ text: '加一个标题 "text"', language: 'zh-CN' });
    await h.send({ text: '状态', language: 'zh-CN' });
    await h.send('export');
    expect(h.port.videos).toHaveLength(1);
    const tokens = [...h.emulator.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    expect(findLeaks(shownTexts, tokens)).toEqual([]);
    expect(h.logLines.some((line) => tokens.some((token) => line.includes(token)))).toBe(false);
  });
});
