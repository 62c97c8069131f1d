/** /cancel and /new: they act on the chat's job queue, so they answer at once even while a job runs. */
import type { ChatQueue } from '../conversation/chat-queue.js';
import { formatAcceptedList } from '../profiles.js';
import { type FlowContext, reply } from './context.js';

export async function cancelFlow(ctx: FlowContext, queue: ChatQueue): Promise<void> {
  const { running, dropped } = queue.cancel(ctx.chatKey);
  await reply(ctx, running || dropped ? ctx.t.cancelled(running, dropped) : ctx.t.nothingToCancel);
}

/** Stops whatever runs and starts a fresh project (a new backend session); the old timeline is left behind. */
export async function newProjectFlow(ctx: FlowContext, queue: ChatQueue): Promise<void> {
  queue.cancel(ctx.chatKey);
  await ctx.conn.startNewSession();
  await ctx.store.updateChat(ctx.chatKey, { lastVideoUrl: undefined });
  await reply(ctx, ctx.t.newProject);
}

/** "upload" without a file: say how to send one. */
export async function askForFileFlow(ctx: FlowContext): Promise<void> {
  const max = Math.min(ctx.profile.maxUploadBytes, ctx.port.limits.maxDownloadBytes);
  await reply(ctx, ctx.t.askForFile(formatAcceptedList(ctx.profile.acceptedExtensions), max));
}
