import { describe, expect, it } from 'vitest';
import {
  actionFromCallbackData,
  callbackDataFor,
  toInlineKeyboard,
} from '../../adapters/telegram/keyboard.js';
import type { ButtonAction } from '../../src/messages.js';

const ACTIONS: ButtonAction[] = ['export', 'status', 'cancel', 'new', 'credits', 'help', 'download'];

describe('telegram inline keyboards', () => {
  it('every action round-trips through callback_data of at most 64 bytes, and it is not JSON', () => {
    for (const action of ACTIONS) {
      const data = callbackDataFor(action);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(() => JSON.parse(data)).toThrow();
      expect(actionFromCallbackData(data)).toBe(action);
    }
  });

  it('data the bot did not make is no action', () => {
    for (const data of [
      undefined,
      '',
      'export',
      'a:',
      'a:delete_everything',
      'a:toString',
      'a:__proto__',
      '{"a":"export"}',
    ]) {
      expect(actionFromCallbackData(data)).toBeUndefined();
    }
  });

  it('builds rows of callback and URL buttons', () => {
    const keyboard = toInlineKeyboard([
      [
        { label: 'Export', action: 'export' },
        { label: 'Status', action: 'status' },
      ],
      [{ label: 'Download video', action: 'download', url: 'https://cdn.example/v.mp4' }],
    ]);
    expect(keyboard.inline_keyboard).toEqual([
      [
        { text: 'Export', callback_data: 'a:export' },
        { text: 'Status', callback_data: 'a:status' },
      ],
      [{ text: 'Download video', url: 'https://cdn.example/v.mp4' }],
    ]);
  });
});
