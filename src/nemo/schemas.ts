/**
 * zod schemas for every answer of the backend. They accept each shape nemo-api.md documents or guesses:
 * both envelopes, camelCase or snake_case keys, ids as numbers or strings, numbers sent as strings, and
 * unknown extra fields (ignored). Everything else fails to parse and becomes a NemoProtocolError upstream.
 */
import { z } from 'zod';
import type { RenderState } from './types.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** camelCase → snake_case on one object's own keys, so one schema reads both spellings. Snake wins a tie. */
export function snakeKeys(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (key === snake || !(snake in value)) out[snake] = v;
  }
  return out;
}

const snakeObject = <T extends z.ZodRawShape>(shape: T) => z.preprocess(snakeKeys, z.object(shape));

/**
 * JSON.parse that keeps long integer ids exact. Session ids such as 5529798706024415232 exceed 2^53, so a
 * backend that sends them unquoted would otherwise lose digits; any `…id` key with 16+ digits is quoted first.
 */
export function parseJsonKeepingIds(text: string): unknown {
  return JSON.parse(text.replace(/("[A-Za-z_]*(?:id|Id|ID)"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
}

/** Ids arrive as strings or numbers; the client always hands out strings. */
export const idSchema = z.union([z.string().min(1), z.number().int()]).transform(String);

const NUMERIC = /^-?\d+(?:\.\d+)?$/;
/** A number, or a number sent as a string. */
export const numberish = z.union([
  z.number(),
  z.string().trim().regex(NUMERIC, 'a number').transform(Number),
]);
/** Optional metadata: a value we cannot read is dropped rather than failing the whole answer. */
const optionalNumber = numberish.optional().catch(undefined);
/** Frame rates sometimes come as ffprobe's fraction ("30000/1001"). */
const fps = z
  .preprocess((v) => {
    if (typeof v !== 'string' || !v.includes('/')) return v;
    const [num, den] = v.split('/').map(Number);
    return num !== undefined && den ? num / den : undefined;
  }, numberish.optional())
  .catch(undefined);

// ---------------------------------------------------------------------------------------------- envelopes

export type Unwrapped =
  | { ok: true; data: unknown; body: Record<string, unknown> }
  | { ok: false; code: number | string | undefined; message?: string; data?: unknown };

function normalizeCode(code: unknown): number | string | undefined {
  if (typeof code === 'number') return code;
  if (typeof code === 'string' && code.trim() !== '') return NUMERIC.test(code.trim()) ? Number(code) : code;
  return undefined;
}

function errorParts(error: unknown): { code?: number | string; message?: string } {
  if (typeof error === 'string') return { message: error };
  if (isPlainObject(error)) {
    return {
      code: normalizeCode(error['code']),
      message: typeof error['message'] === 'string' ? error['message'] : undefined,
    };
  }
  return {};
}

/**
 * Reads `{code, message, data}` or `{success, data, error}`. With `allowBare`, an object with neither
 * marker is taken as the data itself (the top-level render-poll shape). `undefined` means "not an envelope".
 */
export function unwrapEnvelope(body: unknown, options: { allowBare?: boolean } = {}): Unwrapped | undefined {
  if (!isPlainObject(body)) return undefined;
  const message =
    typeof body['message'] === 'string'
      ? body['message']
      : typeof body['msg'] === 'string'
        ? body['msg']
        : undefined;
  if (typeof body['success'] === 'boolean') {
    if (body['success']) return { ok: true, data: body['data'], body };
    const fromError = errorParts(body['error']);
    return {
      ok: false,
      code: fromError.code ?? normalizeCode(body['code']),
      message: fromError.message ?? message,
      data: body['data'],
    };
  }
  if ('code' in body) {
    const code = normalizeCode(body['code']);
    if (code === 0) return { ok: true, data: body['data'], body };
    return { ok: false, code, message, data: body['data'] };
  }
  return options.allowBare ? { ok: true, data: body, body } : undefined;
}

// ------------------------------------------------------------------------------------------ answer data

/** `expires_at` as epoch seconds, epoch ms, a numeric string or an ISO date → epoch ms. */
const epochMs = z.union([z.number(), z.string().trim().min(1)]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : NUMERIC.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) {
    ctx.issues.push({ code: 'custom', message: 'not a date', input: v });
    return z.NEVER;
  }
  return n < 1e12 ? n * 1000 : n;
});

export const anonymousTokenData = snakeObject({
  token: z.string().min(1),
  user_id: idSchema,
  expires_at: epochMs,
  credits: optionalNumber,
});

export const createSessionData = snakeObject({
  task_id: idSchema,
  session_id: idSchema,
  user_id: idSchema,
});

export const creditsData = snakeObject({
  available: numberish,
  frozen: optionalNumber,
  total: optionalNumber,
}).transform((c) => {
  const frozen = c.frozen ?? 0;
  return { available: c.available, frozen, total: c.total ?? c.available + frozen };
});

export const stateData = snakeObject({
  session_id: idSchema.optional(),
  task_id: idSchema.optional(),
  task_name: z.string().nullish(),
  state: snakeObject({
    video_infos: z.array(z.unknown()).nullish(),
    draft: z.unknown().optional(),
    generated_media: z.array(z.unknown()).nullish(),
  }).nullish(),
});

const uploadedFile = snakeObject({
  filename: z.string(),
  file_type: z.string().nullish(),
  cdn_url: z.string().min(1),
  duration: optionalNumber,
  width: optionalNumber,
  height: optionalNumber,
  fps,
  hash: z.string().optional().catch(undefined),
}).transform((f) => ({
  filename: f.filename,
  fileType: f.file_type ?? '',
  cdnUrl: f.cdn_url,
  ...(f.duration !== undefined && { durationSec: f.duration }),
  ...(f.width !== undefined && { width: f.width }),
  ...(f.height !== undefined && { height: f.height }),
  ...(f.fps !== undefined && { fps: f.fps }),
  ...(f.hash !== undefined && { hash: f.hash }),
}));

export const uploadData = snakeObject({ files: z.array(uploadedFile) });

export const claimTokenData = snakeObject({
  claim_token: z.string().min(1),
  expires_in: numberish,
});

// ----------------------------------------------------------------------------------------------- render

const STATE_ALIASES: Record<string, RenderState> = {
  pending: 'pending',
  queued: 'pending',
  waiting: 'pending',
  created: 'pending',
  processing: 'processing',
  rendering: 'processing',
  running: 'processing',
  in_progress: 'processing',
  completed: 'completed',
  complete: 'completed',
  done: 'completed',
  success: 'completed',
  succeeded: 'completed',
  finished: 'completed',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

const renderState = z.string().transform((s, ctx) => {
  const state = STATE_ALIASES[s.trim().toLowerCase()];
  if (state) return state;
  ctx.issues.push({ code: 'custom', message: 'unknown render status', input: s });
  return z.NEVER;
});

const errorText = z
  .union([z.string(), z.object({ message: z.string() }).transform((e) => e.message)])
  .optional()
  .catch(undefined);

const renderOutput = snakeObject({
  url: z.string().optional().catch(undefined),
  duration: optionalNumber,
  size: optionalNumber,
})
  .nullish()
  .catch(undefined);

const renderFields = {
  id: idSchema.optional().catch(undefined),
  status: renderState.optional(),
  progress: optionalNumber,
  output_url: z.string().optional().catch(undefined),
  output: renderOutput,
  duration: optionalNumber,
  size: optionalNumber,
  error: errorText,
};

/**
 * A render answer in either shape: `{data:{id,status,progress,outputUrl}}` or top-level
 * `{status, progress, output:{url,duration,size}}`. Reads `data.x ?? x` for every field.
 */
export const renderBody = snakeObject({
  ...renderFields,
  data: snakeObject(renderFields).nullish(),
}).transform((b, ctx) => {
  const d = b.data ?? {};
  const status = d.status ?? b.status;
  if (!status) {
    ctx.issues.push({ code: 'custom', message: 'no render status', input: undefined, path: ['status'] });
    return z.NEVER;
  }
  const output = d.output ?? b.output;
  const rawProgress = d.progress ?? b.progress ?? (status === 'completed' ? 100 : 0);
  const outputUrl = d.output_url ?? output?.url ?? b.output_url;
  const durationSec = d.duration ?? output?.duration ?? b.duration;
  const sizeBytes = d.size ?? output?.size ?? b.size;
  const error = d.error ?? b.error;
  return {
    id: d.id ?? b.id,
    status,
    progress: Math.min(100, Math.max(0, rawProgress)),
    ...(outputUrl !== undefined && { outputUrl }),
    ...(durationSec !== undefined && { durationSec }),
    ...(sizeBytes !== undefined && { sizeBytes }),
    ...(error !== undefined && { error }),
  };
});

// ------------------------------------------------------------------------------------------- SSE events

const functionCall = snakeObject({ id: idSchema.nullish(), name: z.string(), args: z.unknown().optional() });
const functionResponse = snakeObject({
  id: idSchema.nullish(),
  name: z.string(),
  response: z.unknown().optional(),
});

const adkPart = snakeObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  function_call: functionCall.nullish(),
  function_response: functionResponse.nullish(),
});

/** A Google ADK event as `/run_sse` sends it (camelCase on the wire; snake_case accepted too). */
export const adkEvent = snakeObject({
  content: snakeObject({ parts: z.array(adkPart).nullish() }).nullish(),
  partial: z.boolean().nullish(),
  turn_complete: z.boolean().nullish(),
  error_code: z.union([z.string(), z.number()]).nullish(),
  error_message: z.string().nullish(),
  finish_reason: z.string().nullish().catch(undefined),
  error: z.unknown().optional(),
});
export type AdkEvent = z.infer<typeof adkEvent>;

/** The older NemoVideo style: `{type:'text',content}`, `tool_call`, `tool_result`, `heartbeat`. */
export const legacyEvent = z.object({
  type: z.string(),
  content: z.unknown().optional(),
  text: z.unknown().optional(),
  delta: z.unknown().optional(),
  id: idSchema.nullish().catch(undefined),
  name: z.string().nullish(),
  tool: z.string().nullish(),
  tool_name: z.string().nullish(),
  args: z.unknown().optional(),
  arguments: z.unknown().optional(),
  input: z.unknown().optional(),
  result: z.unknown().optional(),
  response: z.unknown().optional(),
  output: z.unknown().optional(),
  message: z.unknown().optional(),
  error: z.unknown().optional(),
  code: z.union([z.string(), z.number()]).nullish(),
  partial: z.boolean().nullish(),
});
export type LegacyEvent = z.infer<typeof legacyEvent>;

/** A short, body-free description of the first problem zod found, for NemoProtocolError. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${path}${issue.message}`.slice(0, 160);
}
