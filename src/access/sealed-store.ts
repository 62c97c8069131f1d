/**
 * The store as the core sees it when tokens are sealed: `token` is sealed on the way in and opened on the way
 * out. A token that cannot be opened (sealed with an older key, or sealed while this process has no key) is
 * left out of the record and flagged, so the connection issues a new anonymous token or asks the user for
 * theirs again: a sealed value is never sent to the backend as if it were a token.
 */
import { ConfigError } from '../config.js';
import type { ChatRecord, CounterLimit, CountUpResult, Lock, Store } from '../store/store.js';
import { isSealed, type TokenSealer } from './sealer.js';

/** Stored once per store; opening it proves the configured key is the one the stored tokens were sealed with. */
export const SEAL_CHECK_NAME = 'token-seal-check';
const SEAL_CHECK_TEXT = 'nemo-chat-bot token seal check';

/** A configuration error found only once the store answers: the bot does not start. */
export class KeyMismatchError extends ConfigError {
  override name = 'KeyMismatchError';
}

export class SealedStore implements Store {
  constructor(
    private readonly inner: Store,
    /** Without a sealer tokens are stored as they are; sealed ones already there are unreadable. */
    private readonly sealer: TokenSealer | undefined,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  /**
   * Fails with one line when the key does not open the check value stored with the first key: a mistyped key
   * must not start the bot (it would throw every chat's token away). Changing the key on purpose means deleting
   * the check value; records sealed with the old key are then re-issued or asked for again.
   */
  async verifyKey(): Promise<void> {
    if (!this.sealer) return;
    const stored = await this.inner.keepFirst(SEAL_CHECK_NAME, this.sealer.seal(SEAL_CHECK_TEXT));
    if (this.sealer.open(stored) !== SEAL_CHECK_TEXT) {
      throw new KeyMismatchError(
        `TOKEN_ENCRYPTION_KEY is not the key the stored tokens were sealed with; to change keys on purpose, delete the Redis key meta:${SEAL_CHECK_NAME} (under the store's prefix) first`,
      );
    }
  }

  async getChat(chatKey: string): Promise<ChatRecord> {
    const record = await this.inner.getChat(chatKey);
    if (record.token === undefined) return record;
    if (!isSealed(record.token)) {
      // Stored before a key was set: seal it now, so plain tokens do not linger in Redis.
      if (this.sealer) await this.inner.updateChat(chatKey, { token: this.sealer.seal(record.token) });
      return record;
    }
    const opened = this.sealer?.open(record.token);
    if (opened !== undefined) return { ...record, token: opened };
    const { token: _unreadable, ...rest } = record;
    return { ...rest, tokenUnreadable: true };
  }

  updateChat(chatKey: string, patch: Partial<ChatRecord>): Promise<void> {
    const { tokenUnreadable: _runtimeOnly, ...stored } = patch;
    if (stored.token !== undefined && this.sealer) stored.token = this.sealer.seal(stored.token);
    return this.inner.updateChat(chatKey, stored);
  }

  deleteChat(chatKey: string): Promise<void> {
    return this.inner.deleteChat(chatKey);
  }
  tryLock(name: string, ttlMs: number): Promise<Lock | undefined> {
    return this.inner.tryLock(name, ttlMs);
  }
  firstSeen(id: string, ttlMs: number): Promise<boolean> {
    return this.inner.firstSeen(id, ttlMs);
  }
  countUp(bucket: string, counters: readonly CounterLimit[], expiresAt: number): Promise<CountUpResult> {
    return this.inner.countUp(bucket, counters, expiresAt);
  }
  countDown(bucket: string, fields: readonly string[]): Promise<void> {
    return this.inner.countDown(bucket, fields);
  }
  readCounters(bucket: string, fields?: readonly string[]): Promise<Record<string, number>> {
    return this.inner.readCounters(bucket, fields);
  }
  keepFirst(name: string, value: string): Promise<string> {
    return this.inner.keepFirst(name, value);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
