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
import { type FlowContext, firstExample, nextStepButtons, ProgressMessage, reply } from './context.js';
import { describeFailure } from './error-messages.js';
import { translateGuiText } from './gui-translate.js';
import { viewTimeline } from './state.js';

/** What the real backend appends after a successful edit; noise when real work happened. */
const TEMPORARY_ISSUE = /\bI encountered a temporary issue\b/i;
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
  const stream = new TextCollector();
  let lastTyping = 0;
  const typing = () => {
    if (ctx.clock.now() - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = ctx.clock.now();
    void ctx.port.showAction(ctx.chat, 'typing').catch(() => undefined);
  };
  const relay = async (texts: string[]) => {
    for (const text of texts) await sendAgentText(ctx, text, stream);
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
          stream.addText(event.text, event.partial);
          break;
        case 'tool_call':
          // The agent is about to work for a while: show what it said so far first.
          await relay(stream.takeCompleted());
          ctx.log.debug({ tool: event.name }, 'agent tool call');
          typing();
          break;
        case 'tool_result':
          stream.sawToolResult = true;
          typing();
          break;
        case 'error':
          stream.streamError = true;
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

  await relay(stream.takeAll());
  const mention = elapsed() >= ctx.progressIntervalMs ? ctx.message.sender : undefined;
  // The agent answered and nothing it said offers a next step: the result offers Export and Status on the
  // message that answers the request (the progress message; after a long edit, the ping that ends it).
  const nextSteps =
    ending === 'complete' && stream.textsSent > 0 && !stream.showState && !stream.offeredExport
      ? await resultButtons(ctx)
      : undefined;
  await progress.finish(t.finished(elapsed()), mention ? undefined : nextSteps);

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
  if (stream.textsSent > 0) {
    if (stream.showState) {
      const view = await viewTimeline(ctx);
      await reply(ctx, view.summary, { buttons: nextStepButtons(t, view.exportable) });
    } else if (mention) {
      await reply(ctx, t.finished(elapsed()), { mention, buttons: nextSteps });
    }
    return;
  }
  if (stream.streamError) {
    await reply(ctx, t.editServiceError, { mention, buttons: nextStepButtons(t, false) });
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

/** One piece of the agent's text, made fit for chat, with the buttons it calls for. */
async function sendAgentText(ctx: FlowContext, raw: string, stream: TextCollector): Promise<void> {
  const translated = translateGuiText(scrubSecrets(raw), ctx.t);
  if (translated.showState) stream.showState = true;
  if (!translated.text) return;
  const buttons: Button[][] | undefined = translated.offerExport ? nextStepButtons(ctx.t, true) : undefined;
  await reply(ctx, translated.text, { buttons });
  if (buttons) stream.offeredExport = true;
  stream.textsSent++;
}

/**
 * Puts the agent's streamed text back together: ADK sends a reply as partial chunks and then the whole reply
 * once more as a final event; a stream cut short leaves only chunks, which still count.
 */
class TextCollector {
  private chunks = '';
  private completed: string[] = [];
  sawToolResult = false;
  streamError = false;
  showState = false;
  /** A piece of the agent's text already carries the Export button. */
  offeredExport = false;
  textsSent = 0;

  addText(text: string, partial: boolean): void {
    if (partial) {
      this.chunks += text;
      return;
    }
    const whole = this.chunks === '' || text.startsWith(this.chunks.trimEnd()) ? text : this.chunks + text;
    this.chunks = '';
    this.completed.push(whole);
  }

  /** The finished pieces so far. */
  takeCompleted(): string[] {
    const done = this.completed.filter((text) => text.trim() !== '');
    this.completed = [];
    return done;
  }

  /** Everything left at the end, minus the backend's "temporary issue" noise after real work. */
  takeAll(): string[] {
    if (this.chunks.trim() !== '') this.completed.push(this.chunks);
    this.chunks = '';
    const texts = this.takeCompleted();
    const last = texts.at(-1);
    const workHappened = this.sawToolResult || this.textsSent > 0 || texts.length > 1;
    if (last !== undefined && TEMPORARY_ISSUE.test(last) && workHappened) texts.pop();
    return texts;
  }
}
