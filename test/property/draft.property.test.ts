/**
 * The draft parser and differ on generated JSON: arbitrary values, and timelines in the backend's short
 * keys with every field spelled several ways, of any type, or missing. Nothing throws; a draft diffed with
 * itself shows no change; JSON text and the parsed value read alike; every line is plain bounded text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeChanges,
  isExportable,
  parseDraft,
  summarizeDraft,
  timelineLengthMs,
} from '../../src/nemo/draft.js';
import { recordProperty } from '../support/fault-results.js';
import { check } from '../support/property.js';

/** A value of the kind a backend may put in any field: right, wrong type, huge, negative, text. */
const anyField = fc.oneof(
  fc.integer({ min: -1, max: 100_000 }),
  fc.double({ noNaN: false }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom('1500', '', ' ', '35%', 'NaN', 'Infinity', null, true),
  // Names a user or the backend may give: display-reordering marks, escapes, NUL.
  fc.constantFrom('Intro\u202egpj.mp4', 'a\u0000b', '\u001b[31mred', 'x\u2067y\u2069', '\u200f\u061c'),
  fc.jsonValue({ maxDepth: 2 }),
);
const segment = fc.dictionary(
  fc.constantFrom(
    'n',
    'name',
    'title',
    'text',
    'txt',
    'src',
    'url',
    's',
    'start',
    'e',
    'end',
    'd',
    'dur',
    'v',
    'volume',
    'filter',
    'look',
    'x',
  ),
  anyField,
  { maxKeys: 7 },
);
const track = fc.record(
  {
    tt: fc.oneof(fc.constantFrom(0, 1, 7, 3, -1, 'video', 'BGM', 'title'), anyField),
    sg: fc.oneof(fc.array(fc.oneof(segment, anyField), { maxLength: 5 }), anyField),
  },
  { requiredKeys: [] },
);
const shortKeyDraft = fc.record(
  {
    t: fc.oneof(fc.array(fc.oneof(track, anyField), { maxLength: 5 }), anyField),
    d: anyField,
    m: fc.oneof(fc.record({ title: anyField, width: anyField, height: anyField }), anyField),
  },
  { requiredKeys: [] },
);
const draftInput = fc.oneof(shortKeyDraft, fc.jsonValue(), fc.string());

/** One line with no control character and no mark that reorders how the rest of the line is shown. */
function isPlainText(line: string): boolean {
  return typeof line === 'string' && line.length > 0 && !/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(line);
}

describe('the draft parser and differ on generated JSON', () => {
  it('parses anything into a draft and summarizes it without throwing', () => {
    const runs = check(
      fc.property(draftInput, (raw) => {
        const draft = parseDraft(raw);
        expect(Array.isArray(draft.tracks)).toBe(true);
        expect(typeof isExportable(draft)).toBe('boolean');
        const length = timelineLengthMs(draft);
        if (length !== undefined) expect(Number.isFinite(length) && length > 0).toBe(true);
        expect(isPlainText(summarizeDraft(draft))).toBe(true);
      }),
      4000,
    );
    recordProperty('draft: parse and summarize arbitrary JSON', runs);
  });

  it('reads JSON text as it reads the value', () => {
    const runs = check(
      fc.property(shortKeyDraft, (raw) => {
        expect(parseDraft(JSON.stringify(raw))).toEqual(parseDraft(JSON.parse(JSON.stringify(raw))));
      }),
    );
    recordProperty('draft: JSON text against the parsed value', runs);
  });

  it('finds no change between a draft and itself, and plain lines between any two', () => {
    const runs = check(
      fc.property(draftInput, draftInput, (a, b) => {
        const before = parseDraft(a);
        const after = parseDraft(b);
        expect(describeChanges(before, before)).toEqual([]);
        expect(describeChanges(before, structuredClone(before))).toEqual([]);
        for (const line of describeChanges(before, after)) expect(isPlainText(line), line).toBe(true);
      }),
      4000,
    );
    recordProperty('draft: differ on pairs of arbitrary drafts', runs);
  });
});
