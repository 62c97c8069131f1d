import { DiscordAPIError, HTTPError, RESTJSONErrorCodes } from 'discord.js';

/**
 * What may be logged of an error. discord.js errors carry the request URL, which holds the
 * interaction token, and the request body: neither may reach a log.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) {
    return {
      name: error.name,
      code: error.code,
      status: error.status,
      method: error.method,
      message: error.message,
    };
  }
  if (error instanceof HTTPError) return { name: error.name, status: error.status, method: error.method };
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}

/** The interaction token no longer works: it is past its 15 minutes (or Discord dropped it). */
export function isExpiredToken(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.InvalidWebhookToken ||
      error.code === RESTJSONErrorCodes.UnknownWebhook)
  );
}
