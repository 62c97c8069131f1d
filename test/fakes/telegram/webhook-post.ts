/**
 * Delivers an update to a webhook URL of the caller's choosing, as Telegram does (JSON body, secret header).
 * The fake's own `pushUpdate` posts to the one webhook set last; several bot instances behind a load balancer
 * each set their own URL, so a test plays the balancer and picks the instance per update.
 */
import type { Update } from 'grammy/types';
import { request } from 'undici';

/** Posts `update` and returns the HTTP status the bot answered with. */
export async function postUpdate(url: string, secret: string, update: Update): Promise<number> {
  const answer = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  });
  await answer.body.dump();
  return answer.statusCode;
}
