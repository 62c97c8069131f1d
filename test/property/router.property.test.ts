/**
 * The router on generated messages: any text (keywords, filler, commands, Chinese, emoji, control
 * characters), any mix of buttons, attachments, groups and mentions. It never throws and always gives one
 * of its intents; the rules that matter to users hold for every input.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Attachment, ButtonAction, IncomingMessage } from '../../src/messages.js';
import { KEYWORDS } from '../../src/router/intents.js';
import { type Intent, route } from '../../src/router/router.js';
import { recordProperty } from '../support/fault-results.js';
import { check } from '../support/property.js';

const INTENT_KINDS = new Set<Intent['kind']>([
  'start',
  'help',
  'new',
  'cancel',
  'credits',
  'state',
  'export',
  'upload',
  'edit',
  'ignore',
]);
const ACTIONS: ButtonAction[] = ['export', 'status', 'cancel', 'new', 'credits', 'help', 'download'];

const keywordWords = Object.values(KEYWORDS).flatMap((entry) => [
  ...entry.en,
  ...entry.zh,
  ...entry.commands.map((c) => `/${c}`),
]);
/** Words users actually type, keywords and filler among them, and hostile ones. */
const word = fc.oneof(
  fc.constantFrom(...keywordWords),
  fc.constantFrom(
    'please',
    'the',
    'video',
    'now',
    '1080p',
    '请',
    '视频',
    'add',
    'music',
    'exported',
    '/edit',
  ),
  fc.constantFrom('\u202e', '\u200f', '\u0000', '\r\n', '\t', '😀', '@bot', '/start@other_bot', '__proto__'),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const text = fc.oneof(
  fc.array(word, { maxLength: 8 }).map((words) => words.join(' ')),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const attachment: fc.Arbitrary<Attachment> = fc.record({
  kind: fc.constantFrom('video', 'photo', 'audio', 'voice', 'document', 'animation', 'video_note'),
  name: fc.string({ maxLength: 30 }),
  open: fc.constant(async () => Readable.from([])),
});

const message: fc.Arbitrary<IncomingMessage> = fc
  .record(
    {
      text,
      command: fc.option(fc.record({ name: fc.oneof(word, fc.string()), args: text }), { nil: undefined }),
      action: fc.option(fc.constantFrom(...ACTIONS), { nil: undefined }),
      attachments: fc.array(attachment, { maxLength: 3 }),
      isGroup: fc.boolean(),
      addressedToBot: fc.boolean(),
    },
    { requiredKeys: ['text', 'attachments', 'isGroup', 'addressedToBot'] },
  )
  .map((fields) => ({
    id: '1',
    chat: { platform: 'test' as const, chatId: 'c1' },
    sender: { id: 'u1', displayName: 'Ann' },
    receivedAt: 0,
    ...fields,
  }));

describe('route on generated messages', () => {
  it('always answers one known intent, and its rules hold', () => {
    const runs = check(
      fc.property(message, (m) => {
        const intent = route(m);
        expect(INTENT_KINDS.has(intent.kind)).toBe(true);
        if (m.action) return;
        if (m.isGroup && !m.addressedToBot) {
          expect(intent).toEqual({ kind: 'ignore', reason: 'not-addressed' });
          return;
        }
        if (m.attachments.length > 0) {
          expect(intent.kind).toBe('upload');
          if (intent.kind === 'upload' && intent.then !== undefined) {
            expect(intent.then).toBe(intent.then.trim());
            expect(intent.then).not.toBe('');
          }
          return;
        }
        // Work for the AI is never empty and never padded.
        if (intent.kind === 'edit') {
          expect(intent.text).not.toBe('');
          expect(intent.text).toBe(intent.text.trim());
        }
      }),
      4000,
    );
    recordProperty('router: generated messages (text, commands, buttons, files, groups)', runs);
  });

  it('white space around a message never changes what it asks for', () => {
    const runs = check(
      fc.property(text, fc.constantFrom(' ', '\n', '\t ', '\r\n'), (t, pad) => {
        const plain = { ...baseMessage(), text: t };
        expect(route({ ...plain, text: `${pad}${t}${pad}` })).toEqual(route(plain));
      }),
    );
    recordProperty('router: padded text', runs);
  });

  it('a keyword wrapped in politeness is still that action', () => {
    const filler = fc.array(fc.constantFrom('please', 'can', 'you', 'the', 'video', 'now', '1080p'), {
      maxLength: 3,
    });
    const entries = Object.entries(KEYWORDS).filter(([kind]) => kind !== 'upload' && kind !== 'start');
    const runs = check(
      fc.property(
        fc.constantFrom(...entries),
        filler,
        filler,
        fc.nat(),
        ([kind, entry], before, after, pick) => {
          const phrase = entry.en[pick % entry.en.length]!;
          const t = [...before, phrase, ...after].join(' ');
          const expected = kind === 'start' ? 'start' : kind;
          expect(route({ ...baseMessage(), text: t }).kind, t).toBe(expected);
        },
      ),
    );
    recordProperty('router: keywords among filler words', runs);
  });
});

function baseMessage(): IncomingMessage {
  return {
    id: '1',
    chat: { platform: 'test', chatId: 'c1' },
    sender: { id: 'u1', displayName: 'Ann' },
    text: '',
    attachments: [],
    isGroup: false,
    addressedToBot: true,
    receivedAt: 0,
  };
}
