/** /help and /start after the first contact: what the bot does, how to talk to it, what it accepts. */
import { formatAcceptedList } from '../profiles.js';
import { type FlowContext, reply } from './context.js';

export async function helpFlow(ctx: FlowContext): Promise<void> {
  const { profile, port } = ctx;
  await reply(
    ctx,
    ctx.t.help({
      title: profile.title,
      greeting: profile.greeting,
      examples: profile.examples,
      tip: profile.tip,
      accepted: formatAcceptedList(profile.acceptedExtensions),
      maxBytes: Math.min(profile.maxUploadBytes, port.limits.maxDownloadBytes),
    }),
  );
}
