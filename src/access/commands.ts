/** /limits, /stats, /token, /logout and /account: what a user may ask about their access and account. */
import { type FlowContext, reply } from '../flows/context.js';
import { reportFailure } from '../flows/error-messages.js';
import { NemoError } from '../nemo/index.js';
import type { TokenMessageFate } from '../texts.js';
import type { EditBudget } from './budget.js';
import type { AccessPolicy } from './policy.js';

export async function limitsCommand(
  ctx: FlowContext,
  policy: AccessPolicy,
  budget: EditBudget,
): Promise<void> {
  const today = await budget.today(ctx.message);
  const exempt = policy.isAdmin(ctx.message)
    ? 'admin'
    : (await ctx.conn.usesOwnToken())
      ? 'own-account'
      : undefined;
  await reply(
    ctx,
    ctx.t.limits({
      userEdits: today.user,
      userLimit: budget.limits.user,
      chatEdits: today.chat,
      chatLimit: budget.limits.chat,
      exempt,
      resetsInMs: budget.resetsInMs(),
    }),
  );
}

/** Admins only, and only in a private chat: the figures name users. */
export async function statsCommand(
  ctx: FlowContext,
  policy: AccessPolicy,
  budget: EditBudget,
): Promise<void> {
  if (!policy.isAdmin(ctx.message) || ctx.message.isGroup) {
    await reply(ctx, ctx.t.statsOnlyAdmins);
    return;
  }
  await reply(ctx, ctx.t.stats(await budget.stats()));
}

/**
 * /token <token>: the message holding it is deleted first, whatever follows. Only in a private chat, and only
 * a token the backend accepts is kept: a typo must not leave the chat unable to work.
 */
export async function tokenCommand(ctx: FlowContext, args: string): Promise<void> {
  const fate = await deleteTokenMessage(ctx);
  if (ctx.message.isGroup) {
    await reply(ctx, ctx.t.tokenOnlyPrivate(fate));
    return;
  }
  const token = args.split(/\s+/)[0] ?? '';
  if (!token) {
    await reply(ctx, ctx.t.tokenMissing);
    return;
  }
  try {
    await ctx.nemo.getCredits(
      { token: async () => token, refreshToken: async () => token },
      { signal: ctx.signal },
    );
  } catch (error) {
    if (error instanceof NemoError && error.kind === 'token') await reply(ctx, ctx.t.tokenRejected);
    else await reportFailure(ctx, error);
    return;
  }
  await ctx.conn.useOwnToken(token);
  await reply(ctx, ctx.t.tokenSaved(fate));
}

export async function logoutCommand(ctx: FlowContext): Promise<void> {
  if (!(await ctx.conn.usesOwnToken())) {
    await reply(ctx, ctx.t.notLoggedIn);
    return;
  }
  await ctx.conn.forgetOwnToken();
  await reply(ctx, ctx.t.loggedOut);
}

/** A link that moves the chat's anonymous work into a registered account (POST /api/auth/claim-token). */
export async function accountCommand(ctx: FlowContext): Promise<void> {
  if (ctx.conn.registered || (await ctx.conn.usesOwnToken())) {
    await reply(ctx, ctx.t.accountRegistered);
    return;
  }
  const { taskId, sessionId } = await ctx.conn.record();
  if (!taskId || !sessionId) {
    await reply(ctx, ctx.t.accountNothingYet);
    return;
  }
  try {
    const claim = await ctx.nemo.claimToken(ctx.conn, { taskId, sessionId }, { signal: ctx.signal });
    await reply(ctx, ctx.t.accountLink(claim.url, claim.expiresIn * 1000));
  } catch (error) {
    await reportFailure(ctx, error);
  }
}

/** Deletes the message holding a token where the platform shows it to others; says what became of it. */
export async function deleteTokenMessage(ctx: FlowContext): Promise<TokenMessageFate> {
  // A platform without deletion shows the token to nobody (a Discord option, the local console).
  if (!ctx.port.deleteMessage) return 'unseen';
  try {
    return (await ctx.port.deleteMessage(ctx.chat, ctx.message.id)) ? 'deleted' : 'visible';
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not delete a message holding a token');
    return 'visible';
  }
}
