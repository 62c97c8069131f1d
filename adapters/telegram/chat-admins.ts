/**
 * Who administers a Telegram group, from getChatAdministrators, remembered for a few minutes: GROUP_SPENDERS=
 * admins asks on every spending message, and Telegram limits how often a bot may call. Concurrent questions
 * about one chat share one call.
 */
import type { Api } from 'grammy';

/** How long a group's administrator list is trusted (a demoted admin may spend this long after). */
export const ADMIN_CACHE_MS = 5 * 60_000;

export class ChatAdmins {
  readonly #lists = new Map<number, { ids: Promise<Set<number>>; fetchedAt: number }>();

  constructor(
    private readonly api: Pick<Api, 'getChatAdministrators'>,
    private readonly ttlMs = ADMIN_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async isAdmin(chatId: number, userId: number): Promise<boolean> {
    return (await this.idsOf(chatId)).has(userId);
  }

  private idsOf(chatId: number): Promise<Set<number>> {
    const cached = this.#lists.get(chatId);
    if (cached && this.now() - cached.fetchedAt < this.ttlMs) return cached.ids;
    const ids = this.api
      .getChatAdministrators(chatId)
      .then((members) => new Set(members.map((m) => m.user.id)));
    // A failed call is not remembered: the next message asks again.
    ids.catch(() => this.#lists.delete(chatId));
    this.#lists.set(chatId, { ids, fetchedAt: this.now() });
    return ids;
  }
}
