/**
 * Gathers the parts of a Telegram album, which arrive as separate updates sharing a media_group_id.
 * Telegram never says how many parts there are, so an album is complete once no new part has
 * arrived for `quietMs`. Each album has its own timer: one chat's album never delays another chat.
 */
export class AlbumCollector<T> {
  private readonly albums = new Map<
    string,
    {
      parts: T[];
      timer: NodeJS.Timeout;
      done: (parts: T[]) => void;
      /** Settles right after `done`; what later messages of the conversation wait for. */
      handedOver: Promise<void>;
      release: () => void;
    }
  >();

  constructor(private readonly quietMs: number) {}

  /**
   * Adds a part. The call that opened the album resolves with every part once the album is quiet;
   * calls for later parts resolve with undefined at once (their part travels with the first).
   */
  add(key: string, part: T): Promise<T[] | undefined> {
    const open = this.albums.get(key);
    if (open) {
      open.parts.push(part);
      open.timer.refresh();
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(key), this.quietMs);
      let release = () => {};
      const handedOver = new Promise<void>((settle) => {
        release = settle;
      });
      this.albums.set(key, { parts: [part], timer, done: resolve, handedOver, release });
    });
  }

  /**
   * Resolves once every album whose key starts with `prefix` has been handed over (at once when none is
   * gathering). A message sent after an album waits for it, so the two reach the bot in the order sent.
   */
  async handedOver(prefix: string): Promise<void> {
    const open = [...this.albums].filter(([key]) => key.startsWith(prefix));
    await Promise.all(open.map(([, album]) => album.handedOver));
  }

  /** Hands over every album gathered so far, e.g. when the bot stops. */
  flushAll(): void {
    for (const key of [...this.albums.keys()]) this.finish(key);
  }

  private finish(key: string): void {
    const album = this.albums.get(key);
    if (!album) return;
    clearTimeout(album.timer);
    this.albums.delete(key);
    // The album's own continuation is queued first, so it moves on before the messages waiting for it.
    album.done(album.parts);
    album.release();
  }
}
