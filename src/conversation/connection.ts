/**
 * A chat's link to the backend: its token and its session, kept in the store. It is what the NemoClient
 * calls back when the backend says the token (1001) or the session (1002) is no longer good, so recovery
 * happens in one place. Tokens never leave the store and the Authorization header: not in texts, not in logs.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type NemoClient, type NemoSessionRef, NemoTokenError } from '../nemo/index.js';
import type { ChatRecord, Store } from '../store/store.js';
import { type ChatLock, chatLockFrom } from './chat-lock.js';

export interface Clock {
  now(): number;
}

export interface ConnectionDeps {
  nemo: NemoClient;
  store: Store;
  log: Logger;
  /** The operator's NEMO_TOKEN: every chat uses it instead of an anonymous token. */
  operatorToken?: string;
  clock: Clock;
  /** How long a setup lock outlives a process that died holding it; default 30 s. */
  lockTtlMs?: number;
}

/** Renew an anonymous token this long before it expires, so a call never starts with a dying token. */
const EXPIRY_MARGIN_MS = 60_000;
const NEVER_ABORTED = new AbortController().signal;

/**
 * Hands out one ChatConnection per message and makes concurrent token/session creation for the same chat
 * happen once (the backend allows one anonymous token per client id, so a race would end in HTTP 429).
 */
export class Connections {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly lock: ChatLock;

  constructor(private readonly deps: ConnectionDeps) {
    // Other processes on the same Redis may set up the same chat at the same moment (its first messages
    // reaching two webhook instances): creation runs under the store's lock, and re-reads the record inside.
    this.lock = chatLockFrom(deps.store, {
      ttlMs: deps.lockTtlMs ?? 30_000,
      retryMs: 100,
      onWarning: (message, error) => deps.log.warn({ err: error }, message),
    });
  }

  /**
   * @param language ISO code for a session created on this chat's behalf.
   * @param onSessionRenewed called after the backend lost the session and a new one replaced it (1002).
   */
  for(chatKey: string, language: string, onSessionRenewed: () => Promise<void>): ChatConnection {
    return new ChatConnection(
      this.deps,
      chatKey,
      language,
      onSessionRenewed,
      this.singleFlight,
      this.exclusive,
    );
  }

  /** Runs `work` while no other process runs work under the same name (a lock in the store). */
  readonly exclusive = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const held = await this.lock(`setup:${name}`, NEVER_ABORTED);
    try {
      return await work();
    } finally {
      await held.release();
    }
  };

  /** Concurrent callers in this process share one run; `exclusive` then keeps other processes out. */
  private readonly singleFlight = <T extends string>(key: string, work: () => Promise<T>): Promise<T> => {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  };
}

/** Everything tied to the account a chat used: its token and the project that lives on that account. */
const FORGET_ACCOUNT: Partial<ChatRecord> = {
  token: undefined,
  tokenOrigin: undefined,
  tokenExpiresAt: undefined,
  clientId: undefined,
  userId: undefined,
  sessionId: undefined,
  taskId: undefined,
  lastRenderId: undefined,
  lastVideoUrl: undefined,
};

/** The user's token; one that cannot be read any more (another key) fails as a rejected token would. */
function ownTokenOf(record: ChatRecord): string {
  if (record.token) return record.token;
  throw new NemoTokenError({ endpoint: 'anonymous-token' });
}

type SingleFlight = <T extends string>(key: string, work: () => Promise<T>) => Promise<T>;
type Exclusive = <T>(name: string, work: () => Promise<T>) => Promise<T>;

export class ChatConnection implements NemoSessionRef {
  constructor(
    private readonly deps: ConnectionDeps,
    readonly chatKey: string,
    private readonly language: string,
    private readonly onSessionRenewed: () => Promise<void>,
    private readonly singleFlight: SingleFlight,
    private readonly exclusive: Exclusive,
  ) {}

  /** True when the operator's token is used: such a user is registered and tops up instead of registering. */
  get registered(): boolean {
    return Boolean(this.deps.operatorToken);
  }

  /** True when the user gave this chat their own token (/token): it serves the chat before any other. */
  async usesOwnToken(): Promise<boolean> {
    return (await this.record()).tokenOrigin === 'own';
  }

  /**
   * /token: the user's own token serves this chat from now on. The chat starts a fresh project, since the
   * old session belongs to another account.
   */
  async useOwnToken(token: string): Promise<void> {
    await this.exclusive(`token:${this.chatKey}`, () =>
      this.write({ ...FORGET_ACCOUNT, token, tokenOrigin: 'own' }),
    );
    this.deps.log.info({ chatKey: this.chatKey }, 'the user connected their own token');
  }

  /** /logout: forgets the user's token; the next call gets the operator's or a new anonymous one. */
  async forgetOwnToken(): Promise<void> {
    await this.exclusive(`token:${this.chatKey}`, () => this.write(FORGET_ACCOUNT));
    this.deps.log.info({ chatKey: this.chatKey }, 'the user disconnected their own token');
  }

  private memo: Promise<ChatRecord> | undefined;

  /**
   * The chat's record, read once per connection (one message): answering "credits" then costs one store
   * round trip for the record, not one per look. A stale token or session is safe here: the backend answers
   * 1001/1002 and the refresh paths below read the store afresh.
   */
  record(): Promise<ChatRecord> {
    this.memo ??= this.freshRecord();
    return this.memo;
  }

  private freshRecord(): Promise<ChatRecord> {
    const read = this.deps.store.getChat(this.chatKey);
    // A failed read must not stick: the next call tries the store again.
    read.catch(() => {
      if (this.memo === read) this.memo = undefined;
    });
    return read;
  }

  private async write(patch: Partial<ChatRecord>): Promise<void> {
    this.memo = undefined;
    await this.deps.store.updateChat(this.chatKey, patch);
  }

  async token(): Promise<string> {
    const remembered = await this.record();
    if (remembered.tokenOrigin === 'own') return ownTokenOf(remembered);
    if (this.deps.operatorToken) return this.deps.operatorToken;
    if (remembered.token && this.isFresh(remembered)) return remembered.token;
    // Before asking for a new token, look again: another process (or an earlier step) may have stored one
    // since this connection read the record, and refreshing would then throw a good token away.
    const current = await this.freshRecord();
    this.memo = Promise.resolve(current);
    if (current.token && this.isFresh(current)) return current.token;
    return this.refreshToken();
  }

  private isFresh(record: ChatRecord): boolean {
    return (
      record.tokenExpiresAt === undefined || record.tokenExpiresAt - EXPIRY_MARGIN_MS > this.deps.clock.now()
    );
  }

  /** Called on 1001. An anonymous chat gets a new token under a new client id (one token per id per 7 days). */
  async refreshToken(): Promise<string> {
    const current = await this.freshRecord();
    if (current.tokenOrigin === 'own') {
      // Never swapped for an anonymous token behind the user's back: the retry fails and they are asked again.
      this.deps.log.warn({ chatKey: this.chatKey }, "the backend rejected the user's own token");
      return ownTokenOf(current);
    }
    const operatorToken = this.deps.operatorToken;
    if (operatorToken) {
      // Nothing to refresh: the client's one retry will fail again and the user hears "couldn't sign in".
      this.deps.log.error({ chatKey: this.chatKey }, 'the backend rejected the operator token (NEMO_TOKEN)');
      return operatorToken;
    }
    return this.singleFlight(`token:${this.chatKey}`, async () => {
      const rejected = (await this.freshRecord()).token;
      return this.exclusive(`token:${this.chatKey}`, () => this.issueTokenUnlessReplaced(rejected));
    });
  }

  /** Another process may have replaced the rejected (or missing) token while this one waited for the lock. */
  private async issueTokenUnlessReplaced(rejected: string | undefined): Promise<string> {
    const now = await this.freshRecord();
    if (now.token && now.token !== rejected && this.isFresh(now)) return now.token;
    const issued = await this.deps.nemo.getAnonymousToken(randomUUID());
    await this.write({
      clientId: issued.clientId,
      token: issued.token,
      tokenExpiresAt: issued.expiresAt,
      userId: issued.userId,
    });
    this.deps.log.info({ chatKey: this.chatKey, userId: issued.userId }, 'anonymous token issued');
    return issued.token;
  }

  async sessionId(): Promise<string> {
    const record = await this.record();
    if (record.sessionId) return record.sessionId;
    return this.singleFlight(`session:${this.chatKey}`, () =>
      this.exclusive(`session:${this.chatKey}`, async () => {
        const now = await this.freshRecord();
        return now.sessionId ?? this.createSession();
      }),
    );
  }

  /** Called on 1002: the backend forgot the session, and the timeline with it; the user is told. */
  renewSession(): Promise<string> {
    return this.singleFlight(`session:${this.chatKey}`, async () => {
      const lost = (await this.freshRecord()).sessionId;
      return this.exclusive(`session:${this.chatKey}`, async () => {
        // Another process already replaced it (and told the user): use that one.
        const now = await this.freshRecord();
        if (now.sessionId && now.sessionId !== lost) return now.sessionId;
        this.deps.log.warn({ chatKey: this.chatKey }, 'session not found on the backend; starting a new one');
        const sessionId = await this.createSession();
        await this.onSessionRenewed();
        return sessionId;
      });
    });
  }

  /** /new: a fresh project, on purpose, so nobody needs telling that the old one is gone. */
  startNewSession(): Promise<string> {
    return this.singleFlight(`session:${this.chatKey}`, () =>
      this.exclusive(`session:${this.chatKey}`, () => this.createSession()),
    );
  }

  private async createSession(): Promise<string> {
    const created = await this.deps.nemo.createSession(this, { language: this.language });
    await this.write({
      sessionId: created.sessionId,
      taskId: created.taskId,
      language: this.language,
      ...(created.userId ? { userId: created.userId } : {}),
      lastRenderId: undefined,
    });
    this.deps.log.info({ chatKey: this.chatKey, sessionId: created.sessionId }, 'session created');
    return created.sessionId;
  }
}
