import { describe, expect, it } from 'vitest';
import { toInlineKeyboard } from '../../adapters/telegram/keyboard.js';

describe('telegram inline keyboards', () => {
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
