/**
 * Downloads from the platforms at once in this process (MAX_CONCURRENT_DOWNLOADS). A slot is held by one
 * message's upload while its files stream from the platform to the backend (an album's files go in one
 * request, so they share the slot); later uploads wait in arrival order.
 */
export class DownloadSlots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Slots taken right now. */
  get inUse(): number {
    return this.size - this.#free;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
