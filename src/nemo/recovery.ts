/**
 * The recoveries nemo-api.md prescribes, each used at most once per call: 1001 → refresh the token and
 * retry; 1002 (or 404 on a session call) → renew the session and retry; 429 → wait, then retry.
 * Every one of them means the backend refused the request, so retrying never duplicates work.
 */
import type { Logger } from 'pino';
import { type EndpointName, type ErrorKind, isNemoError } from './errors.js';
import type { NemoCredentials, NemoSessionRef } from './types.js';

export interface Auth {
  token: string;
  /** Empty for calls that are not bound to a session. */
  sessionId: string;
}

export interface RecoveryContext {
  endpoint: EndpointName;
  creds: NemoCredentials;
  /** Only session-bound calls may renew the session. */
  session?: NemoSessionRef;
  signal?: AbortSignal;
  rateLimitRetryMs: number;
  pause(endpoint: EndpointName, ms: number, signal?: AbortSignal): Promise<void>;
  logger: Logger;
}

export async function withRecovery<T>(ctx: RecoveryContext, attempt: (auth: Auth) => Promise<T>): Promise<T> {
  const used = new Set<ErrorKind>();
  const auth: Auth = {
    token: await ctx.creds.token(),
    sessionId: ctx.session ? await ctx.session.sessionId() : '',
  };
  for (;;) {
    try {
      return await attempt({ ...auth });
    } catch (error) {
      if (!isNemoError(error) || used.has(error.kind)) throw error;
      const kind = error.kind;
      if (kind === 'token') {
        auth.token = await ctx.creds.refreshToken();
      } else if (kind === 'session' && ctx.session) {
        auth.sessionId = await ctx.session.renewSession();
      } else if (kind === 'rate-limited') {
        await ctx.pause(ctx.endpoint, ctx.rateLimitRetryMs, ctx.signal);
      } else {
        throw error;
      }
      used.add(kind);
      ctx.logger.debug({ endpoint: ctx.endpoint, recovered: kind }, 'nemo retry after recovery');
    }
  }
}
