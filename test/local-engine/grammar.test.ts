/**
 * The instruction grammar: every example in docs/local-engine.md parses to its row's operation, and the
 * parameters people give (times, ranges, thresholds, quoted text) come through.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { understand } from '../../src/local-engine/edit/grammar.js';
import type { Operation } from '../../src/local-engine/edit/operations.js';

const doc = readFileSync(new URL('../../docs/local-engine.md', import.meta.url), 'utf8');

/** Rows of the operations table: `name` | English examples | Chinese examples | … */
const rows = doc
  .split('\n')
  .map((line) => /^\| `([a-z-]+)` \| (.+?) \| (.+?) \|/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({
    name: m[1]!,
    examples: [...`${m[2]} ${m[3]}`.matchAll(/`([^`]+)`/g)].map((e) => e[1]!),
  }));

function operations(message: string): Operation[] {
  const understood = understand(message);
  return understood.kind === 'edit' ? understood.operations : [];
}

function only<K extends Operation['op']>(message: string, op: K): Extract<Operation, { op: K }> {
  const found = operations(message).filter((o) => o.op === op);
  expect(found, `${message} → ${op}`).toHaveLength(1);
  return found[0] as Extract<Operation, { op: K }>;
}

describe('the documented grammar', () => {
  it('documents every operation', () => {
    expect(rows.map((r) => r.name).sort()).toEqual(
      [
        'aspect',
        'cut',
        'keep',
        'keep-last',
        'look',
        'music',
        'mute',
        'normalize',
        'promo',
        'remove-pauses',
        'remove-text',
        'smooth',
        'speed',
        'text',
        'transition',
      ].sort(),
    );
  });

  for (const row of rows) {
    it(`parses each example of ${row.name}`, () => {
      expect(row.examples.length).toBeGreaterThan(1);
      for (const example of row.examples) {
        const names = operations(example).map((o) => o.op);
        // "remove the music" is the music row's removal form; "remove the look" is a look with none.
        const expected = row.name === 'music' && /remove/.test(example) ? 'remove-music' : row.name;
        expect(names, example).toContain(expected);
      }
    });
  }
});

describe('parameters', () => {
  it('reads ranges, first/last and cuts, in English and Chinese', () => {
    expect(only('trim to 2-8s', 'keep')).toMatchObject({ fromMs: 2000, toMs: 8000 });
    expect(only('keep the first 10 seconds', 'keep')).toMatchObject({ fromMs: 0, toMs: 10_000 });
    expect(only('保留前十五秒', 'keep')).toMatchObject({ fromMs: 0, toMs: 15_000 });
    expect(only('keep the last 5 seconds', 'keep-last')).toMatchObject({ ms: 5000 });
    expect(only('cut 3-5s', 'cut')).toMatchObject({ fromMs: 3000, toMs: 5000 });
    expect(only('remove the first 2 seconds', 'cut')).toMatchObject({ fromMs: 0, toMs: 2000 });
  });

  it('reads pause thresholds, with defaults', () => {
    expect(only('trim the pauses', 'remove-pauses')).toEqual({
      op: 'remove-pauses',
      thresholdDb: -30,
      minPauseMs: 500,
    });
    expect(only('remove silences below -35 dB longer than 0.8 seconds', 'remove-pauses')).toMatchObject({
      thresholdDb: -35,
      minPauseMs: 800,
    });
    // "trim the pauses" is not a trim of the timeline.
    expect(operations('trim the pauses').map((o) => o.op)).toEqual(['remove-pauses']);
  });

  it('reads a title with its text, length and place; quoted words are never instructions', () => {
    expect(only("add a title 'Urban Dreams' for 3 seconds", 'text')).toMatchObject({
      kind: 'title',
      text: 'Urban Dreams',
      atMs: 0,
      lenMs: 3000,
      position: 'center',
    });
    expect(operations('add a title "Make it warm and 9:16"').map((o) => o.op)).toEqual(['text']);
    expect(only('add a caption "Day one" at the bottom from 2s to 5s', 'text')).toMatchObject({
      kind: 'caption',
      atMs: 2000,
      lenMs: 3000,
      position: 'bottom',
    });
    expect(only('add a big yellow call to action "Shop now" at the end', 'text')).toMatchObject({
      kind: 'cta',
      atEnd: true,
      color: 'yellow',
      size: 0.12,
    });
    expect(only('添加标题“城市之梦” 3秒', 'text')).toMatchObject({ text: '城市之梦', lenMs: 3000 });
    expect(only('add a title Urban Dreams for 4 seconds', 'text')).toMatchObject({
      text: 'Urban Dreams',
      lenMs: 4000,
    });
  });

  it('reads aspect, speed, transitions, music volume and looks', () => {
    expect(only('make it 9:16', 'aspect')).toEqual({ op: 'aspect', ratio: '9:16', fit: 'crop' });
    expect(only('square with padding', 'aspect')).toEqual({ op: 'aspect', ratio: '1:1', fit: 'pad' });
    expect(operations('make it 1x1').map((o) => o.op)).toEqual(['aspect']);
    expect(only('speed up 2x', 'speed').factor).toBe(2);
    expect(only('slow motion', 'speed').factor).toBe(0.5);
    expect(only('2倍速', 'speed').factor).toBe(2);
    expect(only('wipe transitions of 1 second', 'transition')).toEqual({
      op: 'transition',
      kind: 'wipe',
      ms: 1000,
    });
    expect(only('add background music at 35%', 'music')).toEqual({ op: 'music', volume: 0.35 });
    expect(only('黑白', 'look').look).toBe('black and white');
    expect(only('remove the look', 'look').look).toBeUndefined();
  });

  it('keeps several operations of one message in a fixed order', () => {
    expect(operations('add fade transitions and trim the pauses').map((o) => o.op)).toEqual([
      'remove-pauses',
      'transition',
    ]);
  });

  it('a promo brings its own music: "with music" is not a second operation', () => {
    expect(operations('turn these into a 30-second promo with music')).toEqual([
      { op: 'promo', seconds: 30, withMusic: true },
    ]);
    expect(only('把这些图片做成二十秒的宣传片', 'promo')).toMatchObject({ seconds: 20, withMusic: false });
  });
});

describe('what it does not do', () => {
  it('sends generation to the cloud, and says when it does not understand', () => {
    expect(understand('generate a video of a cat surfing').kind).toBe('needs-cloud');
    expect(understand('生成一段小猫冲浪的视频').kind).toBe('needs-cloud');
    expect(understand('make the dog look happier').kind).toBe('unknown');
    expect(understand('what can you do?').kind).toBe('help');
  });
});

describe('images are not generation', () => {
  it('"make a video of these photos" is a slideshow, not text-to-video', () => {
    expect(operations('make a video of these photos').map((o) => o.op)).toEqual(['promo']);
    expect(operations('用这些图片做一个视频').map((o) => o.op)).toEqual(['promo']);
  });
});
