import { type DestinationStream, type Level, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/** What a secret is replaced with, in redacted fields and scrubbed text alike. */
export const REDACTED = '[Redacted]';

/**
 * Token shapes that can hide inside any string: a message, an error, a URL, a stack trace.
 * Each stops at a character tokens never contain, so scrubbing a serialized JSON line keeps it valid JSON.
 */
const TOKEN_PATTERNS: readonly (readonly [RegExp, string])[] = [
  // NemoVideo user tokens.
  [/nmv_usr_\w+/g, REDACTED],
  // Telegram bot tokens `<bot id>:<35 chars>`, also inside `/bot<token>/` URLs and with the colon URL-encoded.
  [/\d{6,}(?::|%3A)[A-Za-z0-9_-]{30,}/gi, REDACTED],
  // Discord bot tokens: three dot-separated base64url parts.
  [/[\w-]{24,}\.[\w-]{6}\.[\w-]{27,}/g, REDACTED],
  // Bearer credentials; the RFC 6750 token alphabet, rather than \S+, so a JSON line's closing quote survives.
  [/\b(Bearer)\s+[A-Za-z0-9._~+/-]+=*/gi, `$1 ${REDACTED}`],
];

/** Replaces every token-shaped substring (and every `known` secret verbatim) with `[Redacted]`. */
export function scrubSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret) out = out.replaceAll(secret, REDACTED);
  for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Keys whose value is a secret whatever its shape (a webhook secret looks like any other word). */
const SECRET_KEYS = [
  'token',
  'operatorToken',
  'authorization',
  'Authorization',
  'secret',
  'password',
  'cookie',
  '"x-telegram-bot-api-secret-token"',
  'NEMO_TOKEN',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'DISCORD_BOT_TOKEN',
];

/**
 * Redaction paths: each secret key at the top level and up to two levels down, which covers `headers.authorization`,
 * `req.headers.authorization`, `config.telegram.token`, `env.NEMO_TOKEN` and `err.headers.authorization`.
 */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => {
  const segment = key.startsWith('"') ? `[${key}]` : `.${key}`;
  const top = key.startsWith('"') ? `[${key}]` : key;
  return [top, `*${segment}`, `*.*${segment}`];
});

export interface CreateLoggerOptions {
  level: Level | 'silent';
  /** Human-readable output through the pino-pretty transport, for development. Ignored when `destination` is set. */
  pretty?: boolean;
  /** Where JSON lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /** Secret values of any shape (the webhook secret, an operator token) to scrub verbatim from every line. */
  knownSecrets?: readonly string[];
}

/**
 * A pino logger that never writes a secret: `redact` blanks secret-named fields whatever they hold, and a
 * `streamWrite` hook scrubs token-shaped text from the finished line. The hook sees everything — the message,
 * serialized errors and their stacks, and child bindings (`chatKey`, `jobId`) — which field-level formatters
 * would miss.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  // Known secrets appear JSON-escaped inside a line, so match that form too.
  const known = (options.knownSecrets ?? [])
    .filter(Boolean)
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
  const pinoOptions: LoggerOptions = {
    level: options.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    // errWithCause keeps `cause` chains (undici puts the network reason there); `error` is a common key too.
    serializers: { err: pino.stdSerializers.errWithCause, error: pino.stdSerializers.errWithCause },
    hooks: { streamWrite: (line) => scrubSecrets(line, known) },
  };
  if (options.destination) return pino(pinoOptions, options.destination);
  if (options.pretty) {
    return pino({ ...pinoOptions, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(pinoOptions);
}
