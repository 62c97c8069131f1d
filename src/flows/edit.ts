/**
 * Everything that is not a command goes to the agent over SSE: "apply a cinematic look", "add BGM",
 * "generate a 15-second video of…". The user sees only the agent's words (never its thoughts or tool calls),
 * translated from GUI talk to chat, and a progress message that stays alive through long generations.
 *
 * Sent once, never again: a message the backend accepted may already be charged, so a dropped stream is
 * reported (with the timeline as it is now), not retried.
 */
import { scrubSecrets } from '../logger.js';
import type { Button } from '../messages.js';
import { describeChanges, parseDraft } from '../nemo/draft.js';
import { NemoError } from '../nemo/index.js';
import { AgentText } from './agent-text.js';
import { type FlowContext, firstExample, nextStepButtons, ProgressMessage, reply } from './context.js';
import { describeFailure } from './error-messages.js';
import { translateGuiText } from './gui-translate.js';
import { viewTimeline } from './state.js';

/** Chat platforms drop a "typing…" indicator after about 5 s. */
const TYPING_EVERY_MS = 4000;

type Ending = 'complete' | 'interrupted' | 'timeout' | 'cancelled' | 'failed-before-start';

export async function editFlow(ctx: FlowContext, instruction: string): Promise<void> {
  const { t } = ctx;
  const startedAt = ctx.clock.now();
  const elapsed = () => ctx.clock.now() - startedAt;
  // The timeline before the edit, to tell what changed when the agent says nothing.
  const draftBefore = await ctx.nemo.getState(ctx.conn, { signal: ctx.signal }).then(
    (state) => state.draft,
    async (error: unknown) => {
      await giveBack(ctx);
      throw error;
    },
  );
  const before = parseDraft(draftBefore);

  const progress = await ProgressMessage.forJob(ctx, t.working);
  // Saved before the message goes out: an owner that takes this job over must not send it again.
  await ctx.job?.update({ draftBefore, phase: 'sent' });
  const ticker = setInterval(() => progress.update(t.stillWorking(elapsed())), ctx.progressIntervalMs);
  const stream = new AgentText();
  /** What the agent's texts asked for: the timeline shown, or the Export button already offered. */
  const said = { showState: false, offeredExport: false };
  /** The agent's own report of a failure mid-stream (`errorCode`, `{error}`), the first one. */
  let agentError: { code?: string } | undefined;
  let lastTyping = 0;
  const typing = () => {
    if (ctx.clock.now() - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = ctx.clock.now();
    void ctx.port.showAction(ctx.chat, 'typing').catch(() => undefined);
  };
  const relay = async (texts: string[], lastUnfinished = false) => {
    for (const [index, text] of texts.entries()) {
      const unfinished = lastUnfinished && index === texts.length - 1;
      if (await sendAgentText(ctx, text, said, unfinished)) stream.textsSent++;
    }
  };

  let ending: Ending = 'complete';
  let failure: unknown;
  let eventsSeen = 0;
  ctx.metrics?.openStreams.inc();
  try {
    typing();
    for await (const event of ctx.nemo.sendMessage(ctx.conn, instruction, {
      signal: ctx.signal,
      maxDurationMs: ctx.editMaxDurationMs,
    })) {
      eventsSeen++;
      switch (event.type) {
        case 'text':
          if (event.partial) stream.addChunk(event.text);
          else stream.addFinal(event.text);
          break;
        case 'tool_call':
          // The agent is about to work for a while: show what it said so far first.
          await relay(stream.takeBeforeTool());
          ctx.log.debug({ tool: event.name }, 'agent tool call');
          typing();
          break;
        case 'tool_result':
          stream.sawToolResult = true;
          typing();
          break;
        case 'error':
          agentError ??= { ...(event.code !== undefined && { code: event.code }) };
          ctx.log.warn({ code: event.code }, 'the agent reported an error mid-stream');
          break;
        case 'heartbeat':
          typing();
          break;
        default:
          // Thoughts and turn markers are never shown.
          break;
      }
    }
  } catch (error) {
    failure = error;
    ending = classify(ctx, error, eventsSeen);
  } finally {
    clearInterval(ticker);
    ctx.metrics?.openStreams.dec();
  }

  if (ending === 'cancelled') {
    await progress.finish(t.cancelledJob);
    return;
  }
  if (ending === 'failed-before-start') {
    // Nothing reached the agent, so nothing was charged and nothing changed: the day's unit comes back too.
    await giveBack(ctx);
    await progress.finish(await describeFailure(ctx, failure));
    return;
  }

  // Text the agent was writing when it failed is shown as what it is: cut short.
  await relay(stream.takeAll(), agentError !== undefined);
  const done = ending === 'complete' && agentError === undefined;
  const mention = elapsed() >= ctx.progressIntervalMs ? ctx.message.sender : undefined;
  // The agent answered and nothing it said offers a next step: the result offers Export and Status on the
  // message that answers the request (the progress message; after a long edit, the ping that ends it).
  const nextSteps =
    done && stream.textsSent > 0 && !said.showState && !said.offeredExport
      ? await resultButtons(ctx)
      : undefined;
  await progress.finish(
    done ? t.finished(elapsed()) : t.editStopped(elapsed()),
    mention ? undefined : nextSteps,
  );

  if (ending === 'interrupted' || ending === 'timeout') {
    ctx.log.warn({ err: failure }, 'edit stream ended early; not resending');
    const head = ending === 'timeout' ? t.editTimedOut(ctx.editMaxDurationMs) : t.partialEdit;
    const view = await viewTimeline(ctx).catch(() => undefined);
    await reply(ctx, view ? `${head}\n\n${view.summary}` : head, {
      mention,
      buttons: nextStepButtons(t, Boolean(view?.exportable)),
    });
    return;
  }
  if (agentError) {
    // The agent may have changed the timeline before it failed: show where things stand.
    const head = isQuotaError(agentError.code) ? t.busy : t.editServiceError;
    const view = await viewTimeline(ctx).catch(() => undefined);
    await reply(ctx, view ? `${head}\n\n${view.summary}` : head, {
      mention,
      buttons: nextStepButtons(t, Boolean(view?.exportable)),
    });
    return;
  }
  if (stream.textsSent > 0) {
    if (said.showState) {
      const view = await viewTimeline(ctx);
      await reply(ctx, view.summary, { buttons: nextStepButtons(t, view.exportable) });
    } else if (mention) {
      await reply(ctx, t.finished(elapsed()), { mention, buttons: nextSteps });
    }
    return;
  }
  // The stream closed without a word (about 30% of edits): say what changed on the timeline.
  const after = await viewTimeline(ctx);
  const changes = describeChanges(before, parseDraft(after.state.draft));
  const text = changes.length > 0 ? t.changed(changes) : t.noVisibleChange(firstExample(ctx));
  await reply(ctx, text, {
    mention,
    buttons: changes.length > 0 ? nextStepButtons(t, after.exportable) : undefined,
  });
}

/** Export (when the timeline has something to render) and Status; none when the timeline cannot be read. */
async function resultButtons(ctx: FlowContext): Promise<Button[][] | undefined> {
  try {
    return nextStepButtons(ctx.t, (await viewTimeline(ctx)).exportable);
  } catch (error) {
    ctx.log.debug({ err: error }, 'could not read the timeline after an edit; no buttons offered');
    return undefined;
  }
}

/** The edit never reached the agent: its unit of the daily budget comes back. */
async function giveBack(ctx: FlowContext): Promise<void> {
  await ctx.editBudget
    ?.giveBack(ctx.message)
    .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not give an edit back'));
}

function classify(ctx: FlowContext, error: unknown, eventsSeen: number): Ending {
  if (ctx.signal.aborted) return 'cancelled';
  if (error instanceof NemoError && error.kind === 'timeout' && eventsSeen > 0) return 'timeout';
  // Once the agent answered, the message was accepted: whatever broke, the edit may be half done.
  if (eventsSeen > 0 || (error instanceof NemoError && error.kind === 'stream-interrupted'))
    return 'interrupted';
  return 'failed-before-start';
}

/** The model's quota ran out (HTTP 429 / RESOURCE_EXHAUSTED, as ADK reports it): the service is busy. */
function isQuotaError(code: string | undefined): boolean {
  return code === '429' || code?.toUpperCase() === 'RESOURCE_EXHAUSTED';
}

/** One piece of the agent's text, made fit for chat, with the buttons it calls for; true when it was sent. */
async function sendAgentText(
  ctx: FlowContext,
  raw: string,
  said: { showState: boolean; offeredExport: boolean },
  unfinished: boolean,
): Promise<boolean> {
  const translated = translateGuiText(scrubSecrets(raw), ctx.t);
  if (translated.showState) said.showState = true;
  if (!translated.text) return false;
  const text = unfinished ? ctx.t.unfinishedText(translated.text) : translated.text;
  const buttons: Button[][] | undefined =
    translated.offerExport && !unfinished ? nextStepButtons(ctx.t, true) : undefined;
  await reply(ctx, text, { buttons });
  if (buttons) said.offeredExport = true;
  return true;
}
