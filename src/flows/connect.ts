/**
 * First contact: a short "Connecting…" that becomes "Ready" with the skill's greeting and three examples once
 * the chat has a token and a session. The user sees none of the technical details.
 */
import { editQuietly, type FlowContext, reply } from './context.js';
import { describeFailure } from './error-messages.js';

/** False when the backend could not be reached; the user was told why. */
export async function connectFlow(ctx: FlowContext): Promise<boolean> {
  const status = await reply(ctx, ctx.t.connecting);
  try {
    await ctx.conn.token();
    await ctx.conn.sessionId();
  } catch (error) {
    await editQuietly(ctx, status.id, await describeFailure(ctx, error));
    return false;
  }
  await ctx.store.updateChat(ctx.chatKey, { greeted: true });
  await editQuietly(ctx, status.id, ctx.t.ready(ctx.profile.greeting, ctx.profile.examples));
  return true;
}
