/**
 * An edit whose owner died after its message reached the backend. It is never sent again (the backend may
 * have charged it, and may still be applying it): the timeline now is compared with the one saved before
 * the edit, and the user hears what changed, or that nothing did and they may send it again.
 */
import type { FlowContext } from '../flows/context.js';
import { editQuietly, nextStepButtons, reply } from '../flows/context.js';
import { viewTimeline } from '../flows/state.js';
import { describeChanges, parseDraft } from '../nemo/draft.js';
import { recoveryTexts } from './texts.js';
import type { JobRecord } from './types.js';

export async function reportInterruptedEdit(ctx: FlowContext, record: JobRecord): Promise<void> {
  const texts = recoveryTexts(ctx.lang);
  if (record.progressMessageId) await editQuietly(ctx, record.progressMessageId, texts.editCut);
  const now = await viewTimeline(ctx);
  const changes = describeChanges(parseDraft(record.draftBefore), parseDraft(now.state.draft));
  // A later message than the user expects, so it notifies them.
  await reply(ctx, changes.length > 0 ? texts.editChanged(changes) : texts.editNothingChanged, {
    mention: ctx.message.sender,
    buttons: nextStepButtons(ctx.t, now.exportable),
  });
}
