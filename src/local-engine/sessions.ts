/**
 * Who is who on the local engine: tokens, sessions and the files each session owns. In memory: the engine
 * lives and dies with the bot process, and a session it no longer knows is the backend's ordinary 1002,
 * which the bot already recovers from. Tokens are issued freely (everything is local and free).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type EngineDraft, emptyDraft } from './draft.js';
import type { MediaKind } from './media.js';

export interface MediaFile {
  /** Unguessable: it is the file's name in public URLs. */
  id: string;
  name: string;
  path: string;
  kind: MediaKind;
  mime: string;
  sizeBytes: number;
  hash: string;
  durationMs?: number;
  width?: number;
  height?: number;
  fps?: number;
  hasAudio: boolean;
}

export interface Session {
  sessionId: string;
  taskId: string;
  taskName: string;
  userId: string;
  language: string | undefined;
  draft: EngineDraft;
  files: Map<string, MediaFile>;
  /** Edits of one session run one after another, as on the backend. */
  busy: Promise<void>;
  /** For the size cap: idle sessions are deleted oldest first. */
  lastUsedAt: number;
}

export const unguessable = (bytes = 12) => randomBytes(bytes).toString('hex');

/**
 * Runs `work` when the session's earlier edits and uploads are done, and holds the next ones until it is:
 * an edit works on a copy of the timeline, so an upload landing mid-edit would otherwise be lost.
 */
export async function exclusive<T>(session: Session, work: () => Promise<T>): Promise<T> {
  const previous = session.busy;
  let release!: () => void;
  session.busy = new Promise((resolve) => {
    release = resolve;
  });
  try {
    await previous;
    return await work();
  } finally {
    release();
  }
}

/** A numeric-string id like the backend's session ids. */
function numericId(): string {
  const digits = [...randomBytes(10)].map((b) => String(b % 10)).join('');
  return `55${digits.padEnd(17, '0').slice(0, 17)}`;
}

export class Registry {
  readonly #users = new Map<string, string>();
  readonly sessions = new Map<string, Session>();

  /** A fresh anonymous token. */
  issueToken(): { token: string; userId: string } {
    const token = `nmv_usr_local_${unguessable(16)}`;
    const userId = `anon_local_${unguessable(4)}`;
    this.#users.set(token, userId);
    return { token, userId };
  }

  /**
   * The user behind a bearer token. An operator's own NEMO_TOKEN was never issued here: it becomes a user
   * on first sight, so the bot works the same with or without one.
   */
  userFor(token: string): string {
    let user = this.#users.get(token);
    if (!user) {
      user = `usr_local_${unguessable(4)}`;
      this.#users.set(token, user);
    }
    return user;
  }

  createSession(userId: string, taskName: string, language: string | undefined): Session {
    const session: Session = {
      sessionId: numericId(),
      taskId: randomUUID(),
      taskName,
      userId,
      language,
      draft: emptyDraft(taskName),
      files: new Map(),
      busy: Promise.resolve(),
      lastUsedAt: Date.now(),
    };
    this.sessions.set(session.sessionId, session);
    return session;
  }

  /** The session, when it exists and belongs to the user. */
  owned(userId: string, sessionId: unknown): Session | undefined {
    const session = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    return session && session.userId === userId ? session : undefined;
  }

  /** Every file any session holds, by id (for the media route and the storage cap). */
  file(id: string): MediaFile | undefined {
    for (const session of this.sessions.values()) {
      const file = session.files.get(id);
      if (file) return file;
    }
    return undefined;
  }
}
