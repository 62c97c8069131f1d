import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredFile } from '../fakes/telegram/builders.js';
import { type Harness, startHarness } from './harness.js';

describe('telegram albums', () => {
  let h: Harness;
  let dir: string;
  const files: RegisteredFile[] = [];
  beforeAll(async () => {
    h = await startHarness({ albumQuietMs: 150 });
    dir = await mkdtemp(join(tmpdir(), 'tg-album-'));
    for (let i = 0; i < 6; i++) {
      const path = join(dir, `img${i}.jpg`);
      await writeFile(path, randomBytes(1000 + i));
      files.push(h.fake.registerFile(path));
    }
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('five images and a logo sent as one album reach the core as ONE message with six attachments and the caption', async () => {
    const group = -100555;
    const parts = files.map((file, i) =>
      h.fake.fileMessage({
        chatId: group,
        kind: 'photo',
        file,
        mediaGroupId: 'album-1',
        // The caption rides on one part only, not necessarily the first.
        ...(i === 2 ? { caption: '@VideoTestBot make a slideshow with the last one as logo' } : {}),
      }),
    );
    const updates = parts.map((p) => h.fake.pushUpdate(p));
    // Another chat talks while the album is still gathering: it is not held up behind the album.
    h.fake.pushUpdate(h.fake.textMessage({ chatId: 1001, text: 'meanwhile in private' }));

    const album = await h.next((m) => m.attachments.length > 0);
    const albumIndex = h.received.indexOf(album);
    const otherIndex = h.received.findIndex((m) => m.text === 'meanwhile in private');
    expect(otherIndex).toBeGreaterThanOrEqual(0);
    expect(otherIndex).toBeLessThan(albumIndex);

    expect(album.attachments).toHaveLength(6);
    expect(album.attachments.map((a) => a.size)).toEqual(files.map((f) => f.file_size));
    expect(album.text).toBe('make a slideshow with the last one as logo');
    expect(album.addressedToBot).toBe(true);
    expect(album.id).toBe(String(updates[0]!.message!.message_id));
    expect(album.updateId).toBe(`telegram:${updates[0]!.update_id}`);

    // Nothing else from the album arrives as a message of its own.
    h.fake.pushUpdate(
      h.fake.textMessage({ chatId: group, text: '/status', from: { id: 9, is_bot: false, first_name: 'Z' } }),
    );
    await h.next((m) => m.command?.name === 'status');
    expect(
      h.received.filter((m) => m.chat.chatId === String(group) && m.attachments.length > 0),
    ).toHaveLength(1);
  });

  it('two albums in two chats are gathered separately', async () => {
    for (const [chatId, groupId] of [
      [-100601, 'a'],
      [-100602, 'b'],
    ] as const) {
      for (const file of files.slice(0, 3)) {
        h.fake.pushUpdate(
          h.fake.fileMessage({ chatId, kind: 'photo', file, mediaGroupId: groupId, caption: undefined }),
        );
      }
    }
    const first = await h.next((m) => m.chat.chatId === '-100601');
    const second = await h.next((m) => m.chat.chatId === '-100602');
    expect(first.attachments).toHaveLength(3);
    expect(second.attachments).toHaveLength(3);
  });
});
