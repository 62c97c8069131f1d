/** "credits" / "积分" / "balance": what the account has left. Answers at once, even while a job runs. */
import { type FlowContext, reply } from './context.js';

export async function creditsFlow(ctx: FlowContext): Promise<void> {
  const credits = await ctx.nemo.getCredits(ctx.conn, { signal: ctx.signal });
  await reply(ctx, ctx.t.credits(credits));
}
