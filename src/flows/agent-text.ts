/**
 * Puts the agent's streamed text back together, the way ADK sends it:
 * - streaming: partial chunks, then the whole text once more in a final event (`partial` false or absent);
 * - progressive streaming (Python ADK's default): the chunks gather across tool calls, and one final event at
 *   the end of the model's turn carries the text again as separate parts, one per side of each tool call;
 * - non-streaming: final events only.
 * A final text is reconciled with the chunks it completes, so nothing is shown twice; chunks that never got a
 * final (a stream cut short, a model that failed) still count.
 */

/** What the real backend appends after a successful edit; noise when real work happened. */
const TEMPORARY_ISSUE = /\bI encountered a temporary issue\b/i;

export class AgentText {
  /** Chunks not yet matched by a final text. */
  private pending = '';
  /** How much of `pending` (from its start) is already out, shown when a tool call began. */
  private pendingShown = 0;
  private completed: string[] = [];
  sawToolResult = false;
  textsSent = 0;

  /** One partial chunk. */
  addChunk(text: string): void {
    this.pending += text;
  }

  /**
   * One final text: the whole of the chunks before it (plain streaming), or the next piece of them
   * (progressive streaming: one piece per side of a tool call), or new text (non-streaming).
   */
  addFinal(text: string): void {
    if (this.pending.startsWith(text)) {
      // The next piece of the gathered chunks; whatever of it went out already is not repeated.
      const unseen = text.slice(Math.min(this.pendingShown, text.length));
      this.pendingShown = Math.max(0, this.pendingShown - text.length);
      this.pending = this.pending.slice(text.length);
      this.complete(unseen);
      return;
    }
    const gathered = this.pending.trimEnd();
    const alreadyOut = this.pending.slice(0, this.pendingShown);
    this.pending = '';
    this.pendingShown = 0;
    if (gathered !== '' && text.startsWith(gathered)) {
      this.complete(text.startsWith(alreadyOut) ? text.slice(alreadyOut.length) : text);
      return;
    }
    // Unrelated to the chunks (or there were none): the final text is what the agent said.
    this.complete(text);
  }

  /** The finished pieces so far, and (when a tool is about to run) the chunks gathered until now. */
  takeBeforeTool(): string[] {
    const unseen = this.pending.slice(this.pendingShown);
    if (unseen.trim() !== '') {
      this.completed.push(unseen);
      this.pendingShown = this.pending.length;
    }
    return this.takeCompleted();
  }

  /** Everything left at the end, minus the backend's "temporary issue" noise after real work. */
  takeAll(): string[] {
    const texts = this.takeBeforeTool();
    this.pending = '';
    this.pendingShown = 0;
    const last = texts.at(-1);
    const workHappened = this.sawToolResult || this.textsSent > 0 || texts.length > 1;
    if (last !== undefined && TEMPORARY_ISSUE.test(last) && workHappened) texts.pop();
    return texts;
  }

  private complete(text: string): void {
    if (text.trim() !== '') this.completed.push(text);
  }

  private takeCompleted(): string[] {
    const done = this.completed;
    this.completed = [];
    return done;
  }
}
