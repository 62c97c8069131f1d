/**
 * discord.js's own HTTP connection pool. `@discordjs/rest` sends with its own copy of undici (6), the project
 * with undici 7, and both fall back to one process-wide global dispatcher: whichever copy loads first installs
 * its Agent there (in the app that is undici 7, through the nemo client). A multipart body that undici 6 hands
 * to undici 7's Agent is not recognised ("action is not a function" at undici/lib/web/fetch/body.js), so no
 * attachment could be sent. An Agent of the very undici `@discordjs/rest` sends with, passed as its `agent`,
 * keeps Discord traffic off the global dispatcher whatever else the process loads or sets.
 */
import { createRequire } from 'node:module';
import type { RESTOptions } from 'discord.js';

export type DiscordDispatcher = NonNullable<RESTOptions['agent']>;

type UndiciOfDiscord = { Agent: new () => DiscordDispatcher };

/** The undici that `@discordjs/rest` itself requires, found the way Node finds it from that package. */
function undiciOfDiscordRest(): UndiciOfDiscord {
  const fromProject = createRequire(import.meta.url);
  const fromDiscord = createRequire(fromProject.resolve('discord.js'));
  const fromRest = createRequire(fromDiscord.resolve('@discordjs/rest'));
  return fromRest('undici') as UndiciOfDiscord;
}

/** A new Agent for one discord.js client (or REST instance); close it when that client stops. */
export function createDiscordDispatcher(): DiscordDispatcher {
  const { Agent } = undiciOfDiscordRest();
  return new Agent();
}
