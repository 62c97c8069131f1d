/** "status" / "状态" / "show tracks": the timeline as one readable line. */
import { isExportable, parseDraft, summarizeDraft } from '../nemo/draft.js';
import type { SessionState } from '../nemo/index.js';
import { type FlowContext, firstExample, nextStepButtons, reply } from './context.js';

export interface TimelineView {
  state: SessionState;
  exportable: boolean;
  /** The seeds' "Timeline (3 tracks): 1. Video: …" line, or our "the timeline is empty" text. */
  summary: string;
}

/** Reads the timeline and says what is on it. */
export async function viewTimeline(ctx: FlowContext): Promise<TimelineView> {
  const state = await ctx.nemo.getState(ctx.conn, { signal: ctx.signal });
  const draft = parseDraft(state.draft);
  const exportable = isExportable(draft);
  return {
    state,
    exportable,
    summary: exportable ? summarizeDraft(draft) : ctx.t.stateEmpty(firstExample(ctx)),
  };
}

export async function stateFlow(ctx: FlowContext): Promise<void> {
  const view = await viewTimeline(ctx);
  await reply(ctx, view.summary, view.exportable ? { buttons: nextStepButtons(ctx.t, true) } : {});
}
