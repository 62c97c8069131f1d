import { authenticate } from './auth.js';
import type { RequestContext } from './context.js';
import { envelopeError, sendOk } from './http.js';
import type { EmulatedToken } from './types.js';

/** GET /api/credits/balance/simple */
export function creditBalance(ctx: RequestContext): void {
  const { available, frozen } = authenticate(ctx).credits;
  sendOk(ctx.res, { available, frozen, total: available + frozen });
}

/**
 * Charges an accepted edit: the cost is frozen while the agent works and spent when it is done.
 * Not enough → code 2001 with the id to bind the anonymous account to a registration.
 */
export function freezeCredits(account: EmulatedToken, cost: number): void {
  if (account.credits.available < cost) {
    throw envelopeError(2001, 'Insufficient credits', { bind_id: account.userId });
  }
  account.credits.available -= cost;
  account.credits.frozen += cost;
}

export function spendFrozen(account: EmulatedToken, cost: number): void {
  account.credits.frozen = Math.max(0, account.credits.frozen - cost);
}
