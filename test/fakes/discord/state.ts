import type { APIChannel, APIMessage, APIUser } from 'discord.js';
import type { Pings } from './pings.js';

/** A file part as recorded: its bytes are summarized, not kept. */
export interface RecordedFile {
  field: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** One REST request the fake answered. */
export interface RecordedCall {
  method: string;
  /** Path after `/api/v10`, percent-decoded: `/webhooks/1/tok/messages/@original`. */
  route: string;
  query: Record<string, string>;
  /** `bot` for a valid `Authorization: Bot <token>`, `none` without the header, `invalid` otherwise. */
  auth: 'bot' | 'none' | 'invalid';
  /** JSON body, or the parsed `payload_json` of a multipart body. */
  // biome-ignore lint/suspicious/noExplicitAny: arbitrary JSON that tests and routes read freely
  body: any;
  files: RecordedFile[];
  status: number;
  /** For requests that create a message: who Discord would notify. Edits never notify. */
  pings?: Pings;
  /** The message the call created or edited, as returned. */
  message?: APIMessage;
}

/** What the fake remembers about one interaction token. */
export interface InteractionRecord {
  id: string;
  token: string;
  channelId: string;
  createdAt: number;
  expired: boolean;
  acknowledged: boolean;
  /** Id of the message `@original` refers to, once there is one. */
  originalId?: string;
  /** For a component interaction: the message carrying the pressed button. */
  componentMessageId?: string;
}

export interface StoredFile {
  data: Buffer;
  contentType: string;
}

/** Everything the fake's REST routes and gateway share. */
export interface FakeState {
  token: string;
  applicationId: string;
  botUser: APIUser;
  origin: () => string;
  /** When set, tokens older than this answer 50027 like the real API after 15 minutes. */
  tokenLifetimeMs?: number;
  calls: RecordedCall[];
  messages: Map<string, APIMessage>;
  interactions: Map<string, InteractionRecord>;
  channels: Map<string, APIChannel>;
  files: Map<string, StoredFile>;
  onCall: (call: RecordedCall) => void;
}

export function tokenExpired(state: FakeState, record: InteractionRecord): boolean {
  return (
    record.expired ||
    (state.tokenLifetimeMs !== undefined && Date.now() - record.createdAt > state.tokenLifetimeMs)
  );
}
