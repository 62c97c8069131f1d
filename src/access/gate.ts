/**
 * The access gate: the one call the core makes for every routed message before anything reaches the backend.
 * It refuses strangers (once an hour each, and at no backend cost), keeps group spending to those allowed,
 * counts edits against the daily budgets, and answers the access commands itself.
 */
import type { Logger } from 'pino';
import type { AccessConfig } from '../config.js';
import type { Clock } from '../conversation/connection.js';
import { type FlowContext, reply } from '../flows/context.js';
import type { IncomingMessage } from '../messages.js';
import type { Intent } from '../router/index.js';
import type { Store } from '../store/store.js';
import { EditBudget } from './budget.js';
import {
  accountCommand,
  deleteTokenMessage,
  limitsCommand,
  logoutCommand,
  statsCommand,
  tokenCommand,
} from './commands.js';
import { AccessPolicy, userIdentity } from './policy.js';

/** A stranger hears "this bot is private" at most this often, however many messages they send. */
const REFUSAL_QUIET_MS = 60 * 60_000;

/** What costs credits or changes a group's project: in an `admins` group, only admins may. */
const SPENDING = new Set<Intent['kind']>(['upload', 'edit', 'export', 'new', 'cancel']);

export type Admission = 'pass' | 'answered';

export interface AccessGateDeps {
  config: AccessConfig;
  store: Store;
  clock: Clock;
  log: Logger;
}

export class AccessGate {
  readonly policy: AccessPolicy;
  readonly budget: EditBudget;

  constructor(private readonly deps: AccessGateDeps) {
    this.policy = new AccessPolicy(deps.config);
    this.budget = new EditBudget(
      deps.store,
      { user: deps.config.userDailyEdits, chat: deps.config.chatDailyEdits },
      deps.clock,
    );
  }

  /** 'answered' when the gate dealt with the message (a refusal or an access command); else it goes on. */
  async admit(ctx: FlowContext, intent: Exclude<Intent, { kind: 'ignore' }>): Promise<Admission> {
    const { message } = ctx;
    if (!this.policy.mayUse(message)) {
      await this.refuseStranger(ctx, intent);
      return 'answered';
    }
    const spends = SPENDING.has(intent.kind) || (intent.kind === 'access' && intent.command === 'account');
    if (spends && !(await this.policy.maySpendHere(message))) {
      await this.refuse(ctx, ctx.t.notSpender(this.policy.spenderRoleNamed(message)), 'not a group spender');
      return 'answered';
    }
    if (intent.kind === 'access') {
      await this.command(ctx, intent);
      return 'answered';
    }
    if (intent.kind === 'edit' || (intent.kind === 'upload' && intent.then)) {
      const exempt = this.policy.isAdmin(message) || (await ctx.conn.usesOwnToken());
      const taken = await this.budget.take(message, exempt);
      if (!taken.granted) {
        const text =
          taken.over === 'user'
            ? ctx.t.userBudgetReached(taken.limit, taken.resetsInMs)
            : ctx.t.chatBudgetReached(taken.limit, taken.resetsInMs);
        await this.refuse(ctx, text, `over the ${taken.over} daily edit budget`);
        return 'answered';
      }
    }
    if (intent.kind === 'export') await this.budget.count('exports');
    return 'pass';
  }

  /** An edit that cost the backend nothing (refused, failed before it started, dropped from the queue). */
  giveBack(message: Pick<IncomingMessage, 'chat' | 'sender' | 'receivedAt'>): Promise<void> {
    return this.budget.giveBack(message);
  }

  private async command(ctx: FlowContext, intent: Extract<Intent, { kind: 'access' }>): Promise<void> {
    switch (intent.command) {
      case 'limits':
        return limitsCommand(ctx, this.policy, this.budget);
      case 'stats':
        return statsCommand(ctx, this.policy, this.budget);
      case 'token':
        return tokenCommand(ctx, intent.args);
      case 'logout':
        return logoutCommand(ctx);
      case 'account':
        return accountCommand(ctx);
    }
  }

  /**
   * Nothing about a stranger reaches the backend; they hear one short refusal an hour. A token they pasted is
   * still deleted where the platform allows it.
   */
  private async refuseStranger(ctx: FlowContext, intent: Exclude<Intent, { kind: 'ignore' }>): Promise<void> {
    if (intent.kind === 'access' && intent.command === 'token') await deleteTokenMessage(ctx);
    await this.budget.count('refusals');
    const user = userIdentity(ctx.message);
    if (!(await this.deps.store.firstSeen(`refused:${user}`, REFUSAL_QUIET_MS))) {
      ctx.log.debug('a stranger was refused again, quietly');
      return;
    }
    ctx.log.info('refused a user who may not use the bot');
    await reply(ctx, ctx.t.notAllowed);
  }

  private async refuse(ctx: FlowContext, text: string, why: string): Promise<void> {
    await this.budget.count('refusals');
    ctx.log.info({ why }, 'refused a request');
    await reply(ctx, text);
  }
}
