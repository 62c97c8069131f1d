/** Who a message would notify, after Discord applies `allowed_mentions` to its content. */
export interface Pings {
  everyone: boolean;
  users: string[];
  roles: string[];
}

interface AllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
}

/**
 * Discord's rule: a mention in the content notifies only if `allowed_mentions` permits it; without
 * `allowed_mentions` every mention (users, roles, @everyone/@here) notifies.
 */
export function pingsOf(content: string, allowed: AllowedMentions | undefined): Pings {
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!);
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]!);
  const everyone = /@(everyone|here)/.test(content);
  if (!allowed) return { everyone, users, roles };
  const parse = allowed.parse ?? [];
  return {
    everyone: everyone && parse.includes('everyone'),
    users: users.filter((id) => parse.includes('users') || (allowed.users ?? []).includes(id)),
    roles: roles.filter((id) => parse.includes('roles') || (allowed.roles ?? []).includes(id)),
  };
}
