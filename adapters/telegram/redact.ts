import { GrammyError, HttpError } from 'grammy';

/**
 * An error as a plain object for the log, with the bot token cut out: a failed fetch names the
 * request URL, and every Bot API URL contains the token.
 */
export function loggableError(error: unknown, token: string): Record<string, unknown> {
  const hide = (text: string | undefined) => text?.split(token).join('<token>');
  if (error instanceof GrammyError) {
    return {
      name: error.name,
      method: error.method,
      code: error.error_code,
      description: hide(error.description),
    };
  }
  if (error instanceof HttpError) {
    const cause = error.error instanceof Error ? error.error : undefined;
    return { name: error.name, message: hide(error.message), cause: hide(cause?.message) };
  }
  if (error instanceof Error)
    return { name: error.name, message: hide(error.message), stack: hide(error.stack) };
  return { message: hide(String(error)) };
}
