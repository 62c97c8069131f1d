/**
 * "export" / "导出" / "send me the video": render the timeline and deliver the MP4. Export is free, but an
 * empty timeline has nothing to render, so that is refused before anything starts.
 */
import type { Button } from '../messages.js';
import { isExportable, parseDraft, timelineLengthMs } from '../nemo/draft.js';
import { type FlowContext, ProgressMessage, reply } from './context.js';
import { describeFailure } from './error-messages.js';

/** Chat platforms drop an "uploading video…" indicator after about 5 s. */
const ACTION_EVERY_MS = 4000;

export async function exportFlow(ctx: FlowContext): Promise<void> {
  const { t, nemo, conn, signal } = ctx;
  const startedAt = ctx.clock.now();
  const state = await nemo.getState(conn, { signal });
  const draft = parseDraft(state.draft);
  if (!isExportable(draft)) {
    await reply(ctx, t.exportEmpty);
    return;
  }
  const lengthMs = timelineLengthMs(draft);

  const progress = await ProgressMessage.send(ctx, t.rendering(0));
  const showUploading = () => void ctx.port.showAction(ctx.chat, 'upload_video').catch(() => undefined);
  showUploading();
  const actionTimer = setInterval(showUploading, ACTION_EVERY_MS);
  let renderId: string | undefined;
  // /cancel or /new: stop the render on the backend too, so it does not run on for nobody.
  const cancelRender = () => {
    if (renderId)
      nemo
        .cancelRender(conn, renderId)
        .catch((error) => ctx.log.warn({ err: error }, 'render cancel failed'));
  };
  signal.addEventListener('abort', cancelRender, { once: true });
  try {
    const started = await nemo.startRender(conn, state.draft, { signal });
    renderId = started.id;
    await ctx.store.updateChat(ctx.chatKey, { lastRenderId: started.id });
    ctx.log.info({ renderId }, 'render started');
    let shownPercent = 0; // the progress message starts at 0%
    const done = await nemo.waitForRender(conn, started.id, {
      signal,
      onProgress: (status) => {
        const percent = Math.floor(status.progress);
        if (percent === shownPercent || status.status === 'completed') return;
        shownPercent = percent;
        progress.update(t.rendering(percent));
      },
    });
    if (done.status !== 'completed' || !done.outputUrl) {
      // waitForRender reports failures as errors; anything else here is a render that was cancelled.
      await progress.finish(t.cancelledJob);
      return;
    }
    await progress.finish(t.rendered);
    const long = ctx.clock.now() - startedAt >= ctx.progressIntervalMs;
    const buttons: Button[][] = [
      [{ label: t.buttons.download, action: 'download', url: done.outputUrl }],
      [
        { label: t.buttons.status, action: 'status' },
        { label: t.buttons.newProject, action: 'new' },
      ],
    ];
    await ctx.port.sendVideo(
      ctx.chat,
      {
        url: done.outputUrl,
        fileName: `${slug(draft.title) || 'video'}-${started.id}.mp4`,
        size: done.sizeBytes,
        durationSec: done.durationSec ?? (lengthMs === undefined ? undefined : lengthMs / 1000),
        width: draft.width,
        height: draft.height,
        caption: t.videoCaption(draft.title),
      },
      { replyTo: ctx.message.id, buttons, mention: long ? ctx.message.sender : undefined },
    );
    await ctx.store.updateChat(ctx.chatKey, { lastVideoUrl: done.outputUrl });
    ctx.metrics?.deliveries.inc({ platform: ctx.port.platform, mode: 'video' });
  } catch (error) {
    await progress.finish(await describeFailure(ctx, error));
  } finally {
    clearInterval(actionTimer);
    signal.removeEventListener('abort', cancelRender);
  }
}

/** A file-name-safe form of a title: "Urban Dreams" → "urban-dreams". */
function slug(text: string | undefined): string {
  return (text ?? '')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}
