/**
 * Every backend failure a user can meet, turned into the sentence the product texts prescribe. Nothing from
 * the backend's own answer reaches the chat: no JSON, no codes, no tokens — only our texts.
 */
import { NemoError } from '../nemo/index.js';
import { formatAcceptedList } from '../profiles.js';
import type { FlowContext } from './context.js';

/** Registration for an anonymous user who ran out of credits; `bind` ties the new account to this project. */
export function registrationLink(bindId: string | undefined): string {
  return bindId
    ? `https://nemovideo.com/register?bind=${encodeURIComponent(bindId)}`
    : 'https://nemovideo.com/register';
}

/**
 * The message for an error, or undefined when the user should hear nothing (their own /cancel) — and throws
 * nothing: an error that is not a NemoError is a bug and returns `null` for the caller to rethrow.
 */
export async function userMessageFor(ctx: FlowContext, error: unknown): Promise<string | undefined | null> {
  if (!(error instanceof NemoError)) return null;
  const t = ctx.t;
  switch (error.kind) {
    case 'aborted':
      return undefined;
    case 'token':
      // The user's own token is never swapped for another: they are asked for it again.
      if (await ctx.conn.usesOwnToken()) return t.ownTokenRejected;
      // The client already refreshed once (1001) and the retry failed too.
      return t.signInFailed;
    case 'session':
      // The client renews the session itself; reaching here means the renewal failed or was not possible.
      if (ctx.sessionRenewalAnnounced) return t.serviceTrouble;
      await ctx.store.updateChat(ctx.chatKey, { sessionId: undefined, taskId: undefined });
      return t.sessionGone;
    case 'credits': {
      if (ctx.conn.registered || (await ctx.conn.usesOwnToken())) return t.noCreditsRegistered;
      const bindId = (error as { bindId?: string }).bindId ?? (await ctx.conn.record()).userId;
      return t.noCreditsAnonymous(registrationLink(bindId));
    }
    case 'unsupported-file':
      return t.unsupportedFile(formatAcceptedList(ctx.profile.acceptedExtensions));
    case 'file-too-large':
      // The smaller of the backend's limit and ours: ours is the one the next attempt meets first.
      return t.fileTooLarge(
        Math.min(
          (error as { limitBytes?: number }).limitBytes ?? Number.POSITIVE_INFINITY,
          ctx.profile.maxUploadBytes,
        ),
      );
    case 'export-blocked':
      return t.exportBlocked;
    case 'rate-limited':
      // The client already waited and retried once.
      return t.busy;
    case 'render-failed':
      return t.renderFailed;
    case 'timeout':
      return t.timedOut;
    case 'stream-interrupted':
      return t.partialEdit;
    default:
      // server, network, protocol, api, client-id: details go to the log, a short apology to the user.
      return t.serviceTrouble;
  }
}

/**
 * The text for an expected failure (logged for the operator without secrets); rethrows bugs so they are
 * caught once, at the bot's edge, with the chat key in the log.
 */
export async function describeFailure(ctx: FlowContext, error: unknown): Promise<string> {
  const text = ctx.signal.aborted ? undefined : await userMessageFor(ctx, error);
  if (text === null) throw error;
  if (text !== undefined) ctx.log.warn({ err: error }, 'backend call failed');
  return text ?? ctx.t.cancelledJob;
}

/** Tells the user, in a new message, what went wrong; quiet when they cancelled the job themselves. */
export async function reportFailure(ctx: FlowContext, error: unknown): Promise<void> {
  const text = await describeFailure(ctx, error);
  if (ctx.signal.aborted) return;
  await ctx.port.sendText(ctx.chat, text, { replyTo: ctx.message.id });
}
