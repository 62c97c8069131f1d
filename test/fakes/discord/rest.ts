import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIAttachment, APIMessage } from 'discord.js';
import { InteractionResponseType } from 'discord.js';
import { parseBody, type ReceivedFile } from './multipart.js';
import { apiMessage } from './payloads.js';
import { pingsOf } from './pings.js';
import { snowflake } from './snowflake.js';
import { type FakeState, type InteractionRecord, type RecordedCall, tokenExpired } from './state.js';

/** A Discord API error answer: the HTTP status and the JSON `{ code, message }` body. */
class ApiError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
  ) {}
}

const UNKNOWN_MESSAGE = () => new ApiError(404, 10008, 'Unknown Message');
const INVALID_WEBHOOK_TOKEN = () => new ApiError(401, 50027, 'Invalid Webhook Token');

interface Request {
  method: string;
  route: string;
  query: Record<string, string>;
  auth: RecordedCall['auth'];
  // biome-ignore lint/suspicious/noExplicitAny: arbitrary JSON that tests and routes read freely
  body: any;
  files: ReceivedFile[];
}

interface Answer {
  status: number;
  json?: unknown;
  message?: APIMessage;
  createsMessage?: boolean;
}

type Handler = (state: FakeState, req: Request, params: string[]) => Answer;

function authOf(state: FakeState, header: string | undefined): RecordedCall['auth'] {
  if (!header) return 'none';
  return header === `Bot ${state.token}` ? 'bot' : 'invalid';
}

function requireBot(req: Request): void {
  if (req.auth !== 'bot') throw new ApiError(401, 0, '401: Unauthorized');
}

/** Attachments of a sent message: `attachments[n].id` names the multipart part `files[n]`. */
function storeAttachments(state: FakeState, channelId: string, req: Request): APIAttachment[] {
  return req.files.map((file, index) => {
    const id = snowflake();
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`;
    state.files.set(path, { data: file.data, contentType: file.contentType });
    const declared = (
      req.body?.attachments as { id: string | number; filename?: string }[] | undefined
    )?.find((a) => String(a.id) === String(index));
    return {
      id,
      filename: declared?.filename ?? file.name,
      size: file.size,
      url: `${state.origin()}${path}`,
      proxy_url: `${state.origin()}${path}`,
      content_type: file.contentType,
    };
  });
}

function createMessage(
  state: FakeState,
  req: Request,
  channelId: string,
  viaWebhook: boolean,
  id?: string,
): APIMessage {
  const message = apiMessage({
    id,
    channelId,
    author: state.botUser,
    body: req.body ?? {},
    attachments: storeAttachments(state, channelId, req),
    ...(viaWebhook ? { webhookId: state.applicationId, applicationId: state.applicationId } : {}),
  });
  state.messages.set(message.id, message);
  return message;
}

/** PATCH semantics: fields present replace, absent ones stay; kept attachments are listed by id. */
function editMessage(state: FakeState, req: Request, messageId: string): APIMessage {
  const existing = state.messages.get(messageId);
  if (!existing) throw UNKNOWN_MESSAGE();
  const body = req.body ?? {};
  const kept = Array.isArray(body.attachments)
    ? existing.attachments.filter((a) => body.attachments.some((k: { id: unknown }) => String(k.id) === a.id))
    : existing.attachments;
  const edited: APIMessage = {
    ...existing,
    ...(typeof body.content === 'string' ? { content: body.content } : {}),
    ...(Array.isArray(body.embeds) ? { embeds: body.embeds } : {}),
    ...(Array.isArray(body.components) ? { components: body.components } : {}),
    attachments: [...kept, ...storeAttachments(state, existing.channel_id, req)],
    edited_timestamp: new Date().toISOString(),
    // Editing a deferred reply replaces the "is thinking…" placeholder (the Loading flag, 128).
    flags: (existing.flags ?? 0) & ~128,
  };
  state.messages.set(messageId, edited);
  return edited;
}

function webhookRecord(state: FakeState, app: string, token: string): InteractionRecord {
  const record = state.interactions.get(token);
  if (app !== state.applicationId || !record || tokenExpired(state, record)) throw INVALID_WEBHOOK_TOKEN();
  return record;
}

function webhookMessageId(record: InteractionRecord, id: string): string {
  if (id !== '@original') return id;
  if (!record.originalId) throw UNKNOWN_MESSAGE();
  return record.originalId;
}

const interactionCallback: Handler = (state, req, [id, token]) => {
  const record = state.interactions.get(token!);
  if (!record || record.id !== id || tokenExpired(state, record))
    throw new ApiError(404, 10062, 'Unknown interaction');
  if (record.acknowledged) throw new ApiError(400, 40060, 'Interaction has already been acknowledged.');
  record.acknowledged = true;
  const type = req.body?.type as number;
  const data = { ...req, body: req.body?.data ?? {} };
  let message: APIMessage | undefined;
  switch (type) {
    case InteractionResponseType.ChannelMessageWithSource:
      message = createMessage(state, data, record.channelId, true);
      record.originalId = message.id;
      break;
    case InteractionResponseType.DeferredChannelMessageWithSource:
      // The "is thinking…" placeholder: a real, empty message that @original edits later.
      message = createMessage(
        state,
        { ...data, body: { flags: (req.body?.data?.flags ?? 0) | 128 } },
        record.channelId,
        true,
      );
      record.originalId = message.id;
      break;
    case InteractionResponseType.DeferredMessageUpdate:
      record.originalId = record.componentMessageId;
      break;
    case InteractionResponseType.UpdateMessage:
      record.originalId = record.componentMessageId;
      if (record.originalId) message = editMessage(state, data, record.originalId);
      break;
    default:
      throw new ApiError(400, 50035, 'Invalid Form Body');
  }
  const withResponse = req.query['with_response'] === 'true';
  return {
    status: withResponse ? 200 : 204,
    json: withResponse
      ? { interaction: { id: record.id, type: 2 }, resource: message ? { type, message } : { type } }
      : undefined,
    message,
    createsMessage: type === InteractionResponseType.ChannelMessageWithSource,
  };
};

const routes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/gateway\/bot$/,
    (state, req) => {
      requireBot(req);
      const url = state.origin().replace(/^http/, 'ws');
      return {
        status: 200,
        json: {
          url,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
        },
      };
    },
  ],
  [
    'GET',
    /^\/users\/@me$/,
    (state, req) => {
      requireBot(req);
      return { status: 200, json: state.botUser };
    },
  ],
  ['POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, interactionCallback],
  [
    'POST',
    /^\/webhooks\/(\d+)\/([^/]+)$/,
    (state, req, [app, token]) => {
      const record = webhookRecord(state, app!, token!);
      const message = createMessage(state, req, record.channelId, true);
      return {
        status: req.query['wait'] === 'true' ? 200 : 204,
        json: message,
        message,
        createsMessage: true,
      };
    },
  ],
  [
    'GET',
    /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/,
    (state, _req, [app, token, id]) => {
      const record = webhookRecord(state, app!, token!);
      const message = state.messages.get(webhookMessageId(record, id!));
      if (!message) throw UNKNOWN_MESSAGE();
      return { status: 200, json: message };
    },
  ],
  [
    'PATCH',
    /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/,
    (state, req, [app, token, id]) => {
      const record = webhookRecord(state, app!, token!);
      const message = editMessage(state, req, webhookMessageId(record, id!));
      return { status: 200, json: message, message };
    },
  ],
  [
    'DELETE',
    /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/,
    (state, _req, [app, token, id]) => {
      const record = webhookRecord(state, app!, token!);
      if (!state.messages.delete(webhookMessageId(record, id!))) throw UNKNOWN_MESSAGE();
      return { status: 204 };
    },
  ],
  [
    'GET',
    /^\/channels\/(\d+)$/,
    (state, req, [id]) => {
      requireBot(req);
      const channel = state.channels.get(id!);
      if (!channel) throw new ApiError(404, 10003, 'Unknown Channel');
      return { status: 200, json: channel };
    },
  ],
  [
    'POST',
    /^\/channels\/(\d+)\/messages$/,
    (state, req, [id]) => {
      requireBot(req);
      if (!state.channels.has(id!)) throw new ApiError(404, 10003, 'Unknown Channel');
      const message = createMessage(state, req, id!, false);
      return { status: 200, json: message, message, createsMessage: true };
    },
  ],
  [
    'PATCH',
    /^\/channels\/(\d+)\/messages\/(\d+)$/,
    (state, req, [channelId, id]) => {
      requireBot(req);
      const existing = state.messages.get(id!);
      if (!existing || existing.channel_id !== channelId) throw UNKNOWN_MESSAGE();
      // A bot may not edit its interaction replies with its bot token: they are webhook messages.
      if (existing.webhook_id)
        throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
      const message = editMessage(state, req, id!);
      return { status: 200, json: message, message };
    },
  ],
  [
    'POST',
    /^\/channels\/(\d+)\/typing$/,
    (_state, req) => {
      requireBot(req);
      return { status: 204 };
    },
  ],
  [
    'PUT',
    /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/,
    (state, req, [app, guildId]) => {
      requireBot(req);
      if (app !== state.applicationId) throw new ApiError(403, 50001, 'Missing Access');
      const commands = (req.body as Record<string, unknown>[]).map((command) => ({
        id: snowflake(),
        application_id: app,
        version: snowflake(),
        default_member_permissions: null,
        type: 1,
        ...(guildId ? { guild_id: guildId } : {}),
        ...command,
      }));
      return { status: 200, json: commands };
    },
  ],
];

function send(res: ServerResponse, status: number, json?: unknown): void {
  if (json === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
}

/** Serves `/api/v10/...` like Discord's REST API and records every call. */
export async function handleRest(state: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const route = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
  const parsed = await parseBody(req);
  const request: Request = {
    method: req.method ?? 'GET',
    route,
    query: Object.fromEntries(url.searchParams),
    auth: authOf(state, req.headers.authorization),
    body: parsed.json,
    files: parsed.files,
  };
  let answer: Answer;
  try {
    const match = routes
      .map(([method, pattern, handler]) => ({ method, handler, m: pattern.exec(route) }))
      .find((r) => r.method === request.method && r.m);
    if (!match) throw new ApiError(404, 0, '404: Not Found');
    answer = match.handler(state, request, match.m!.slice(1));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    answer = { status: error.status, json: { code: error.code, message: error.message } };
  }
  const call: RecordedCall = {
    method: request.method,
    route,
    query: request.query,
    auth: request.auth,
    body: request.body,
    files: parsed.files.map(({ data: _data, ...summary }) => summary),
    status: answer.status,
    ...(answer.message ? { message: answer.message } : {}),
    ...(answer.createsMessage
      ? {
          pings: pingsOf(
            String(request.body?.content ?? request.body?.data?.content ?? ''),
            request.body?.allowed_mentions ?? request.body?.data?.allowed_mentions,
          ),
        }
      : {}),
  };
  state.calls.push(call);
  send(res, answer.status, answer.json);
  state.onCall(call);
}
