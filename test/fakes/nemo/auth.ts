import type { RequestContext } from './context.js';
import { ApiReply, detailError, envelopeError, header, sendOk } from './http.js';
import { hex } from './ids.js';
import type { EmulatorState } from './state.js';
import type { EmulatedSession, EmulatedToken } from './types.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** Registered accounts have credits to spare; tests that want them broke call setCredits. */
const REGISTERED_CREDITS = 1_000_000;
export const SKILL_SOURCES = ['video-models', 'nemo-video-gen', 'ai-video-maker-ai', 'free-editing-with-ai'];

/** The caller's IP; X-Forwarded-For lets one loopback test act as several IPs. */
function clientIp(ctx: RequestContext): string {
  return (
    header(ctx.req, 'x-forwarded-for')?.split(',')[0]?.trim() || ctx.req.socket.remoteAddress || 'unknown'
  );
}

function rateLimited(message: string): ApiReply {
  return new ApiReply(429, { code: 429, message, data: null });
}

/** POST /api/auth/anonymous-token: one token per client id per 7 days, a few client ids per IP. */
export function issueAnonymousToken(ctx: RequestContext): void {
  const { state } = ctx;
  const clientId = header(ctx.req, 'x-client-id');
  if (!clientId) throw detailError(400, 'X-Client-Id header is required');
  const now = Date.now();
  const previous = state.issuedByClient.get(clientId);
  if (previous !== undefined && now - previous < WEEK_MS) {
    throw rateLimited('Only one anonymous token per client every 7 days');
  }
  const ip = clientIp(ctx);
  const byIp = state.issuedByIp.get(ip) ?? new Map<string, number>();
  const recent = [...byIp.values()].filter((at) => now - at < WEEK_MS).length;
  if (recent >= state.options.tokensPerIpPer7Days)
    throw rateLimited('Too many anonymous tokens from this address');

  const issued: EmulatedToken = {
    token: `nmv_usr_${hex(16)}`,
    userId: `anon_${hex(8)}`,
    clientId,
    credits: { available: state.options.initialCredits, frozen: 0 },
    expiresAt: now + WEEK_MS,
    registered: false,
  };
  state.tokens.set(issued.token, issued);
  state.issuedByClient.set(clientId, now);
  byIp.set(clientId, now);
  state.issuedByIp.set(ip, byIp);
  sendOk(ctx.res, {
    token: issued.token,
    user_id: issued.userId,
    expires_at: new Date(issued.expiresAt).toISOString(),
    credits: issued.credits.available,
  });
}

/** A registered account for an operator token, made the first time the token is seen. */
export function operatorAccount(state: EmulatorState, token: string): EmulatedToken | undefined {
  const known = state.tokens.get(token);
  if (known || !state.options.operatorTokens.includes(token)) return known;
  const account: EmulatedToken = {
    token,
    userId: `usr_${hex(8)}`,
    clientId: '',
    credits: { available: REGISTERED_CREDITS, frozen: 0 },
    expiresAt: Number.POSITIVE_INFINITY,
    registered: true,
  };
  state.tokens.set(token, account);
  return account;
}

/** The caller's account from `Authorization: Bearer <token>`; unknown or expired → code 1001. */
export function authenticate(ctx: RequestContext): EmulatedToken {
  const token = /^Bearer\s+(\S+)$/i.exec(header(ctx.req, 'authorization') ?? '')?.[1];
  const account = token ? operatorAccount(ctx.state, token) : undefined;
  if (!account || Date.now() >= account.expiresAt) throw envelopeError(1001);
  return account;
}

/** The three attribution headers every skill sends; without them exports answer 402. */
export function hasAttribution(ctx: RequestContext): boolean {
  const source = header(ctx.req, 'x-skill-source');
  return (
    source !== undefined &&
    SKILL_SOURCES.includes(source) &&
    header(ctx.req, 'x-skill-version') !== undefined &&
    header(ctx.req, 'x-skill-platform') !== undefined
  );
}

/** The caller's session by id; another user's session is as unknown as a missing one (1002). */
export function ownedSession(
  ctx: RequestContext,
  account: EmulatedToken,
  sessionId: unknown,
): EmulatedSession {
  const session = typeof sessionId === 'string' ? ctx.state.sessions.get(sessionId) : undefined;
  if (!session || session.userId !== account.userId) throw envelopeError(1002);
  return session;
}
