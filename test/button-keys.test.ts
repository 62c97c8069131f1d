import { describe, expect, it } from 'vitest';
import { actionFromButtonKey, buttonKeyFor } from '../src/button-keys.js';
import type { ButtonAction } from '../src/messages.js';

const ACTIONS: ButtonAction[] = ['export', 'status', 'cancel', 'new', 'credits', 'help', 'download'];

describe('button keys (Telegram callback_data, Discord custom_id)', () => {
  it('every action round-trips through a key of at most 64 bytes that is not JSON', () => {
    for (const action of ACTIONS) {
      const key = buttonKeyFor(action);
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(64);
      expect(() => JSON.parse(key)).toThrow();
      expect(actionFromButtonKey(key)).toBe(action);
    }
  });

  it('a key the bot did not make is no action', () => {
    for (const key of [
      undefined,
      '',
      'export',
      'a:',
      'a:nonsense',
      'a:delete_everything',
      'a:toString',
      'a:constructor',
      'a:__proto__',
      '{"a":"export"}',
    ]) {
      expect(actionFromButtonKey(key)).toBeUndefined();
    }
  });
});
