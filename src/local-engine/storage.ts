/**
 * The engine's data folder (LOCAL_ENGINE_DIR): uploads and renders, under a size cap. Before a file is
 * written, room is made by deleting, oldest first, finished renders (already delivered) and then whole idle
 * sessions with their uploads (the bot answers a lost session as it does on the cloud). The folder is
 * emptied at start: sessions live in memory, so files from an earlier run belong to nobody.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface Evictable {
  /** What to delete: files, and what else forgets the item. */
  paths: string[];
  forget(): void;
}

export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor(readonly limitBytes: number) {
    super(`the local engine's data folder is full (${limitBytes} bytes)`);
  }
}

export class DataDir {
  readonly uploads: string;
  readonly renders: string;

  constructor(
    readonly root: string,
    readonly maxBytes: number,
  ) {
    this.uploads = join(root, 'uploads');
    this.renders = join(root, 'renders');
  }

  async init(): Promise<void> {
    await rm(this.uploads, { recursive: true, force: true });
    await rm(this.renders, { recursive: true, force: true });
    await mkdir(this.uploads, { recursive: true });
    await mkdir(this.renders, { recursive: true });
  }

  /**
   * Deletes evictable items in the order given (the caller puts what matters least first) until `usedBytes + neededBytes` fits the cap. Throws
   * StorageFullError when even then it would not fit.
   */
  async makeRoom(neededBytes: number, candidates: Evictable[]): Promise<void> {
    let used = await this.usedBytes();
    for (const item of candidates) {
      if (used + neededBytes <= this.maxBytes) break;
      const freed = await sizeOfAll(item.paths);
      item.forget();
      await Promise.all(item.paths.map((path) => rm(path, { recursive: true, force: true })));
      used -= freed;
    }
    if (used + neededBytes > this.maxBytes) throw new StorageFullError(this.maxBytes);
  }

  /** Bytes under the data folder's uploads and renders. */
  async usedBytes(): Promise<number> {
    return (await sizeOfTree(this.uploads)) + (await sizeOfTree(this.renders));
  }
}

async function sizeOfAll(paths: string[]): Promise<number> {
  const sizes = await Promise.all(paths.map((path) => sizeOfTree(path)));
  return sizes.reduce((a, b) => a + b, 0);
}

async function sizeOfTree(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  const names = await readdir(path);
  const sizes = await Promise.all(names.map((name) => sizeOfTree(join(path, name))));
  return sizes.reduce((a, b) => a + b, 0);
}
