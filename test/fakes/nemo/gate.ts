/**
 * A gate a test holds and releases: work that reaches a held gate waits until the test lets it through, so a
 * render stays running, or an edit stream stays open, exactly as long as the test needs, whatever the clock.
 */
export class Gate {
  #held = false;
  #opened: Promise<void> = Promise.resolve();
  #open: () => void = () => undefined;

  get held(): boolean {
    return this.#held;
  }

  hold(): void {
    if (this.#held) return;
    this.#held = true;
    this.#opened = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#open();
  }

  /** Resolves at once when the gate is open, else when it is released. */
  passed(): Promise<void> {
    return this.#opened;
  }
}
