import { z } from 'zod';

export const SKILL_NAMES = [
  'video-models',
  'nemo-video-gen',
  'ai-video-maker-ai',
  'free-editing-with-ai',
] as const;
export type SkillName = (typeof SKILL_NAMES)[number];
export const SKILL_PLATFORMS = ['clawhub', 'cursor', 'unknown'] as const;
export type SkillPlatform = (typeof SKILL_PLATFORMS)[number];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// An empty value in a .env file means "unset", as operators expect.
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
const optionalUrl = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z.url('a URL such as https://example.com').optional(),
);
const urlWithDefault = (fallback: string) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? fallback : v),
    z.url('a URL such as https://example.com').transform((u) => u.replace(/\/+$/, '')),
  );
const positiveMs = (fallback: number) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? fallback : v),
    z.coerce
      .number('a whole number of milliseconds')
      .int('a whole number of milliseconds')
      .positive('a positive number of milliseconds'),
  );

const positiveCount = (fallback: number, what: string) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? fallback : v),
    z.coerce
      .number(`a whole number of ${what}`)
      .int(`a whole number of ${what}`)
      .positive(`a positive number of ${what}`),
  );

/** Every variable the bot reads, as DESIGN.md lists them. */
export const envSchema = z.object({
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: urlWithDefault('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, '1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram rule)')
      .optional(),
  ),
  DISCORD_BOT_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\d{15,21}$/, 'a Discord application id (a snowflake of digits)')
      .optional(),
  ),
  DISCORD_API_ROOT: urlWithDefault('https://discord.com/api'),
  DISCORD_SPENDER_ROLE_ID: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\d{15,21}$/, 'a Discord role id (a snowflake of digits)')
      .optional(),
  ),
  DISCORD_GUILD_ID: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\d{15,21}$/, 'a Discord guild id (a snowflake of digits)')
      .optional(),
  ),
  NEMO_API_BASE: urlWithDefault('https://mega-api-prod.nemovideo.ai'),
  NEMO_TOKEN: optionalString,
  NEMO_SKILL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SKILL_NAMES).default('video-models')),
  NEMO_SKILL_PLATFORM: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(SKILL_PLATFORMS).default('unknown'),
  ),
  REDIS_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^rediss?:\/\/.+/, 'a redis:// or rediss:// URL')
      .optional(),
  ),
  NEMO_RENDER_POLL_MS: positiveMs(30_000),
  NEMO_RATE_LIMIT_RETRY_MS: positiveMs(30_000),
  PROGRESS_INTERVAL_MS: positiveMs(120_000),
  NEMO_MAX_RESPONSE_BYTES: positiveCount(16 * 1024 * 1024, 'bytes'),
  MAX_CONCURRENT_DOWNLOADS: positiveCount(8, 'downloads'),
  MAX_QUEUED_JOBS_PER_CHAT: positiveCount(5, 'jobs'),
  MAX_MESSAGES_PER_USER_PER_MINUTE: positiveCount(20, 'messages'),
  HTTP_PORT: z.preprocess(
    (v) => (v === '' || v === undefined ? 8080 : v),
    z.coerce.number().int().min(0, 'a port from 0 to 65535').max(65535, 'a port from 0 to 65535'),
  ),
  LOG_LEVEL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOG_LEVELS).default('info')),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  telegram?: {
    token: string;
    apiRoot: string;
    webhook?: { url: string; secret?: string };
  };
  discord?: {
    token: string;
    applicationId: string;
    apiRoot: string;
    spenderRoleId?: string;
    guildId?: string;
  };
  nemo: {
    apiBase: string;
    operatorToken?: string;
    skill: SkillName;
    platform: SkillPlatform;
    renderPollMs: number;
    rateLimitRetryMs: number;
    /** Most bytes read from one non-streaming answer; a bigger one is refused, not buffered. */
    maxResponseBytes: number;
  };
  progressIntervalMs: number;
  /** Bounds that keep one process, one chat or one user from taking everything. */
  limits: {
    concurrentDownloads: number;
    queuedJobsPerChat: number;
    messagesPerUserPerMinute: number;
  };
  redisUrl?: string;
  httpPort: number;
  logLevel: (typeof LOG_LEVELS)[number];
}

/** A bad configuration: one line naming the variable and what it must be. Never echoes the value of a secret. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Pure: reads only the object it is given. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const expected = issue.message.startsWith('Invalid option')
      ? `one of ${(issue as { values?: unknown[] }).values?.join(', ') ?? 'the allowed values'}`
      : issue.message;
    throw new ConfigError(`${variable} must be ${expected}`);
  }
  const e = parsed.data;
  if (e.DISCORD_BOT_TOKEN && !e.DISCORD_APPLICATION_ID) {
    throw new ConfigError('DISCORD_APPLICATION_ID must be set when DISCORD_BOT_TOKEN is set');
  }
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is set');
  }
  return {
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          webhook: e.TELEGRAM_WEBHOOK_URL
            ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET }
            : undefined,
        }
      : undefined,
    discord:
      e.DISCORD_BOT_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            token: e.DISCORD_BOT_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            apiRoot: e.DISCORD_API_ROOT,
            spenderRoleId: e.DISCORD_SPENDER_ROLE_ID,
            guildId: e.DISCORD_GUILD_ID,
          }
        : undefined,
    nemo: {
      apiBase: e.NEMO_API_BASE,
      operatorToken: e.NEMO_TOKEN,
      skill: e.NEMO_SKILL,
      platform: e.NEMO_SKILL_PLATFORM,
      renderPollMs: e.NEMO_RENDER_POLL_MS,
      rateLimitRetryMs: e.NEMO_RATE_LIMIT_RETRY_MS,
      maxResponseBytes: e.NEMO_MAX_RESPONSE_BYTES,
    },
    progressIntervalMs: e.PROGRESS_INTERVAL_MS,
    limits: {
      concurrentDownloads: e.MAX_CONCURRENT_DOWNLOADS,
      queuedJobsPerChat: e.MAX_QUEUED_JOBS_PER_CHAT,
      messagesPerUserPerMinute: e.MAX_MESSAGES_PER_USER_PER_MINUTE,
    },
    redisUrl: e.REDIS_URL,
    httpPort: e.HTTP_PORT,
    logLevel: e.LOG_LEVEL,
  };
}
