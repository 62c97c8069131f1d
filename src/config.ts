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
const X264_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
] as const;
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

export const GROUP_SPENDERS = ['everyone', 'admins'] as const;
export type GroupSpenders = (typeof GROUP_SPENDERS)[number];

/** `telegram:123, discord:456` → a set of `platform:id`; ids are digits, with a leading - for Telegram groups. */
const identityList = (what: 'users' | 'chats') =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .refine(
        (ids) => ids.every((id) => IDENTITY.test(id)),
        what === 'users'
          ? 'a comma-separated list of telegram:<user id> or discord:<user id>'
          : 'a comma-separated list of telegram:<chat id> or discord:<guild id>',
      )
      .transform((ids) => new Set(ids))
      .optional(),
  );
const IDENTITY = /^(telegram:-?\d{1,20}|discord:\d{15,21})$/;

const dailyLimit = z.preprocess(
  (v) => (v === '' || v === undefined ? 0 : v),
  z.coerce
    .number('a whole number of edits (0 = no limit)')
    .int('a whole number of edits (0 = no limit)')
    .min(0, 'a whole number of edits (0 = no limit)'),
);

/** A 32-byte key written as hex (64 characters) or base64 (44 with padding); anything else is undefined. */
function decodeKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(trimmed) || /^[A-Za-z0-9_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}
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
  // Said, never guessed from the root's host: a proxy or mirror of the cloud API keeps the cloud limits.
  TELEGRAM_LOCAL_BOT_API: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.stringbool({ error: 'true or false' }).default(false),
  ),
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
  JOB_LOCK_MS: positiveMs(10_000),
  JOB_STALLED_CHECK_MS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number('a whole number of milliseconds')
      .int('a whole number of milliseconds')
      .positive('a positive number of milliseconds')
      .optional(),
  ),
  JOB_HOLD_LEASE_MS: positiveMs(15_000),
  CHAT_LOCK_TTL_MS: positiveMs(30_000),
  NEMO_EDIT_MAX_MS: positiveMs(15 * 60_000),
  NEMO_SSE_MAX_EVENT_BYTES: z.preprocess(
    (v) => (v === '' || v === undefined ? 1024 * 1024 : v),
    z.coerce
      .number('a whole number of bytes')
      .int('a whole number of bytes')
      .min(4096, 'at least 4096 bytes'),
  ),
  NEMO_MAX_RESPONSE_BYTES: positiveCount(16 * 1024 * 1024, 'bytes'),
  MAX_CONCURRENT_DOWNLOADS: positiveCount(8, 'downloads'),
  MAX_QUEUED_JOBS_PER_CHAT: positiveCount(5, 'jobs'),
  MAX_MESSAGES_PER_USER_PER_MINUTE: positiveCount(20, 'messages'),
  HTTP_PORT: z.preprocess(
    (v) => (v === '' || v === undefined ? 8080 : v),
    z.coerce.number().int().min(0, 'a port from 0 to 65535').max(65535, 'a port from 0 to 65535'),
  ),
  LOG_LEVEL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOG_LEVELS).default('info')),
  NEMO_ENGINE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['cloud', 'local']).default('cloud')),
  LOCAL_ENGINE_DIR: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('.local-engine')),
  LOCAL_ENGINE_MAX_MB: z.preprocess(
    (v) => (v === '' || v === undefined ? 5000 : v),
    z.coerce.number().int('a whole number of megabytes').min(50, 'at least 50 (megabytes)'),
  ),
  LOCAL_ENGINE_WORKERS: z.preprocess(
    (v) => (v === '' || v === undefined ? 1 : v),
    z.coerce.number().int('a whole number from 1 to 16').min(1, 'from 1 to 16').max(16, 'from 1 to 16'),
  ),
  LOCAL_ENGINE_PRESET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(X264_PRESETS).default('veryfast'),
  ),
  ALLOWED_USERS: identityList('users'),
  ALLOWED_CHATS: identityList('chats'),
  ADMIN_USERS: identityList('users'),
  GROUP_SPENDERS: z.preprocess((v) => (v === '' ? undefined : v), z.enum(GROUP_SPENDERS).default('everyone')),
  USER_DAILY_EDITS: dailyLimit,
  CHAT_DAILY_EDITS: dailyLimit,
  TOKEN_ENCRYPTION_KEY: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .refine((v) => decodeKey(v) !== undefined, '32 bytes as base64 (44 characters) or hex (64 characters)')
      .transform((v) => decodeKey(v)!)
      .optional(),
  ),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  telegram?: {
    token: string;
    apiRoot: string;
    /** `apiRoot` is a self-hosted `telegram-bot-api --local` server: 2000 MB instead of 20 MB / 50 MB. */
    localBotApi: boolean;
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
    /** Longest an edit's stream may run: its only time limit (the backend documents 15 minutes). */
    editMaxMs: number;
    /** Largest SSE event read from an edit's stream. */
    sseMaxEventBytes: number;
    /** Most bytes read from one non-streaming answer; a bigger one is refused, not buffered. */
    maxResponseBytes: number;
  };
  progressIntervalMs: number;
  /** Leases of durable jobs (Redis only): how soon a dead process's work is taken over. */
  jobs: {
    lockMs: number;
    stalledCheckMs: number;
    holdLeaseMs: number;
  };
  /** How long a chat's lock outlives a process that died holding it. */
  chatLockTtlMs: number;
  /** Set when NEMO_ENGINE=local: the bot runs its own ffmpeg engine and talks to it instead of the cloud. */
  localEngine?: {
    dir: string;
    maxBytes: number;
    workers: number;
    preset: (typeof X264_PRESETS)[number];
  };
  /** Bounds that keep one process, one chat or one user from taking everything. */
  limits: {
    concurrentDownloads: number;
    queuedJobsPerChat: number;
    messagesPerUserPerMinute: number;
  };
  redisUrl?: string;
  httpPort: number;
  logLevel: (typeof LOG_LEVELS)[number];
  access: AccessConfig;
}

/** Who may use the bot and spend its credits (issue 14). Identities are `platform:id`. */
export interface AccessConfig {
  /** Unset: everyone. */
  allowedUsers?: ReadonlySet<string>;
  /** Unset: everywhere. Telegram chat ids, Discord guild ids. */
  allowedChats?: ReadonlySet<string>;
  admins: ReadonlySet<string>;
  /**
   * Who may spend in a group, per platform. Discord's DISCORD_SPENDER_ROLE_ID has always limited spending to
   * its holders (and Manage Server), so setting it makes Discord `admins` whatever GROUP_SPENDERS says.
   */
  groupSpenders: GroupSpenders;
  groupSpendersOn: Partial<Record<'telegram' | 'discord', GroupSpenders>>;
  /** DISCORD_SPENDER_ROLE_ID is set: on Discord its holders count as the group's admins. */
  discordSpenderRole: boolean;
  /** 0 = no limit. */
  userDailyEdits: number;
  chatDailyEdits: number;
  /** AES-256-GCM key sealing backend tokens in the store; unset stores them as they are. */
  tokenKey?: Buffer;
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
          localBotApi: e.TELEGRAM_LOCAL_BOT_API,
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
      editMaxMs: e.NEMO_EDIT_MAX_MS,
      sseMaxEventBytes: e.NEMO_SSE_MAX_EVENT_BYTES,
      maxResponseBytes: e.NEMO_MAX_RESPONSE_BYTES,
    },
    progressIntervalMs: e.PROGRESS_INTERVAL_MS,
    jobs: {
      lockMs: e.JOB_LOCK_MS,
      stalledCheckMs: e.JOB_STALLED_CHECK_MS ?? e.JOB_LOCK_MS / 2,
      holdLeaseMs: e.JOB_HOLD_LEASE_MS,
    },
    chatLockTtlMs: e.CHAT_LOCK_TTL_MS,
    localEngine:
      e.NEMO_ENGINE === 'local'
        ? {
            dir: e.LOCAL_ENGINE_DIR,
            maxBytes: e.LOCAL_ENGINE_MAX_MB * 1024 * 1024,
            workers: e.LOCAL_ENGINE_WORKERS,
            preset: e.LOCAL_ENGINE_PRESET,
          }
        : undefined,
    limits: {
      concurrentDownloads: e.MAX_CONCURRENT_DOWNLOADS,
      queuedJobsPerChat: e.MAX_QUEUED_JOBS_PER_CHAT,
      messagesPerUserPerMinute: e.MAX_MESSAGES_PER_USER_PER_MINUTE,
    },
    redisUrl: e.REDIS_URL,
    httpPort: e.HTTP_PORT,
    logLevel: e.LOG_LEVEL,
    access: {
      ...(e.ALLOWED_USERS ? { allowedUsers: e.ALLOWED_USERS } : {}),
      ...(e.ALLOWED_CHATS ? { allowedChats: e.ALLOWED_CHATS } : {}),
      admins: e.ADMIN_USERS ?? new Set(),
      groupSpenders: e.GROUP_SPENDERS,
      groupSpendersOn: e.DISCORD_SPENDER_ROLE_ID ? { discord: 'admins' } : {},
      discordSpenderRole: Boolean(e.DISCORD_SPENDER_ROLE_ID),
      userDailyEdits: e.USER_DAILY_EDITS,
      chatDailyEdits: e.CHAT_DAILY_EDITS,
      ...(e.TOKEN_ENCRYPTION_KEY ? { tokenKey: e.TOKEN_ENCRYPTION_KEY } : {}),
    },
  };
}
