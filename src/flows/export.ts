/**
 * "export" / "导出" / "send me the video": render the timeline and deliver the MP4. Export is free, but an
 * empty timeline has nothing to render, so that is refused before anything starts.
 */
import { safeFileName } from '../file-names.js';
import { deliverOnce } from '../jobs/delivery.js';
import type { Button } from '../messages.js';
import { isExportable, parseDraft, timelineLengthMs } from '../nemo/draft.js';
import { type FlowContext, ProgressMessage, reply } from './context.js';
import { describeFailure } from './error-messages.js';

/** Chat platforms drop an "uploading video…" indicator after about 5 s. */
const ACTION_EVERY_MS = 4000;

export async function exportFlow(ctx: FlowContext): Promise<void> {
  const { t, nemo, conn, signal, job } = ctx;
  const startedAt = ctx.clock.now();
  // A job taken over after its render started polls that render: a second one would only cost time.
  let renderId = job?.record.renderId;
  const state = await nemo.getState(conn, { signal });
  const draft = parseDraft(state.draft);
  if (!renderId && !isExportable(draft)) {
    await reply(ctx, t.exportEmpty);
    return;
  }
  const lengthMs = timelineLengthMs(draft);

  const progress = await ProgressMessage.forJob(ctx, t.rendering(0));
  const showUploading = () => void ctx.port.showAction(ctx.chat, 'upload_video').catch(() => undefined);
  showUploading();
  const actionTimer = setInterval(showUploading, ACTION_EVERY_MS);
  // /cancel or /new: stop the render on the backend too, so it does not run on for nobody.
  const cancelRender = () => {
    if (renderId)
      nemo
        .cancelRender(conn, renderId)
        .catch((error) => ctx.log.warn({ err: error }, 'render cancel failed'));
  };
  signal.addEventListener('abort', cancelRender, { once: true });
  let finishing: Promise<void> | undefined;
  try {
    if (renderId) {
      ctx.log.info({ renderId }, 'resuming a render started before a restart');
    } else {
      const started = await nemo.startRender(conn, state.draft, { signal });
      renderId = started.id;
      await job?.update({ renderId, phase: 'rendering' });
      await ctx.store.updateChat(ctx.chatKey, { lastRenderId: renderId });
      ctx.log.info({ renderId }, 'render started');
    }
    const id = renderId;
    let shownPercent = 0; // the progress message starts at 0%
    const done = await nemo.waitForRender(conn, id, {
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
    const outputUrl = done.outputUrl;
    // Delivery starts at once: the "rendered" edit goes out beside the video, not before it.
    finishing = progress.finish(t.rendered);
    // A job resumed after a restart has been running since the user asked, not since this owner took it.
    const since = job && job.record.phase !== 'queued' ? job.record.receivedAt : startedAt;
    const long = ctx.clock.now() - since >= ctx.progressIntervalMs;
    const buttons: Button[][] = [
      [{ label: t.buttons.download, action: 'download', url: outputUrl }],
      [
        { label: t.buttons.status, action: 'status' },
        { label: t.buttons.newProject, action: 'new' },
      ],
    ];
    const send = async () => {
      await ctx.port.sendVideo(
        ctx.chat,
        {
          url: outputUrl,
          // The render id is the backend's text: made safe like any outside name.
          fileName: safeFileName(`${slug(draft.title) || 'video'}-${id}.mp4`, 'video.mp4'),
          size: done.sizeBytes,
          durationSec: done.durationSec ?? (lengthMs === undefined ? undefined : lengthMs / 1000),
          width: draft.width,
          height: draft.height,
          caption: t.videoCaption(draft.title),
        },
        { replyTo: ctx.message.id, buttons, mention: long ? ctx.message.sender : undefined },
      );
    };
    // In a job, two owners (or a retry) may get here for one render: only one of them sends.
    const outcome = job
      ? await deliverOnce(ctx.store, job, send, { signal })
      : await send().then(() => 'sent');
    await finishing;
    if (outcome !== 'sent') {
      ctx.log.info({ renderId }, 'the video was delivered already; not sending it again');
      return;
    }
    await ctx.store.updateChat(ctx.chatKey, { lastVideoUrl: outputUrl });
    ctx.metrics?.deliveries.inc({ platform: ctx.port.platform, mode: 'video' });
  } catch (error) {
    await finishing; // the failure's edit lands after the "rendered" one, never under it
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
