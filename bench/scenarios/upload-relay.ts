/**
 * Scenario 2: a big clip sent to the bot as a Telegram document goes from the Bot API's file endpoint through
 * the bot into the emulator's upload, against curl moving the same bytes between the same two servers.
 *
 * `http`: the Bot API answers getFile with a relative path and serves the bytes over HTTP (the issue's case).
 * `local`: a `telegram-bot-api --local` server answers with an absolute path and the bot reads the disk.
 * The bot's time runs from the update served to its "uploaded" edit (the emulator has stored and probed the
 * clip by then); curl's from start to the emulator's answer. Curl streams (`Transfer-Encoding: chunked`,
 * `@/dev/stdin`): plain `-F files=@-` would first read the whole gigabyte into memory.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { NemoClient } from '../../src/nemo/index.js';
import type { ProbeReading } from '../lib/process-probe.js';
import type { BenchRedis } from '../lib/redis-server.js';
import { withStack } from '../lib/stack.js';
import { MB } from '../lib/stats.js';

const run = promisify(execFile);
const CHAT_ID = 900_001;
const SKILL = { source: 'video-models', version: '1.0.0', platform: 'unknown' } as const;

export type RelaySource = 'http' | 'local';

export interface RelayResult {
  source: RelaySource;
  sizeMB: number;
  bot: { seconds: number; MBps: number; peakRssMB: number; probe: ProbeReading };
  curl: { seconds: number; MBps: number };
  /** bot MB/s ÷ curl MB/s, this run. */
  ratio: number;
}

/** A token and session of its own on the emulator, so curl uploads exactly as the bot does. */
async function curlTarget(emulatorUrl: string) {
  const client = new NemoClient({
    baseUrl: emulatorUrl,
    skill: SKILL,
    rateLimitRetryMs: 1_000,
    renderPollMaxMs: 30_000,
  });
  const { token } = await client.getAnonymousToken(randomUUID());
  const creds = { token: async () => token, refreshToken: async () => token };
  const { sessionId } = await client.createSession(creds, {});
  const headers = [
    ...['-H', `Authorization: Bearer ${token}`],
    ...['-H', `X-Skill-Source: ${SKILL.source}`, '-H', `X-Skill-Version: ${SKILL.version}`],
    ...['-H', `X-Skill-Platform: ${SKILL.platform}`],
  ];
  return { headers, url: `${emulatorUrl}/api/upload-video/nemo_agent/me/${sessionId}` };
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

async function timeCurl(
  source: RelaySource,
  fileUrl: string,
  path: string,
  target: { headers: string[]; url: string },
) {
  const upload = [
    ...['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}'],
    ...target.headers,
    ...(source === 'http'
      ? ['-H', 'Transfer-Encoding: chunked', '-F', 'files=@/dev/stdin;filename=clip.mp4;type=video/mp4']
      : ['-F', `files=@${path};filename=clip.mp4;type=video/mp4`]),
    target.url,
  ]
    .map(shellQuote)
    .join(' ');
  const command = source === 'http' ? `curl -sS --fail ${shellQuote(fileUrl)} | ${upload}` : upload;
  const startedAt = performance.now();
  const { stdout } = await run('bash', ['-o', 'pipefail', '-c', command], { maxBuffer: MB });
  const seconds = (performance.now() - startedAt) / 1000;
  if (stdout.trim() !== '200') throw new Error(`curl's upload answered HTTP ${stdout.trim()}`);
  return seconds;
}

export async function runUploadRelay(
  source: RelaySource,
  clipPath: string,
  sizeMB: number,
  redis: BenchRedis,
): Promise<RelayResult> {
  await redis.flush();
  // Uploads of any size: the emulator's default stops at 500 MB, as the backend does.
  const emulatorOptions = { maxUploadBytes: Number.MAX_SAFE_INTEGER };
  return withStack(
    { mode: 'full', redisUrl: redis.url, local: source === 'local', emulator: emulatorOptions },
    async ({ telegram, emulator, bot }) => {
      // First contact (token, session, greeting) happens before the clock starts.
      await telegram.runPhase([{ chatId: CHAT_ID, text: 'credits' }], { answersPerUpdate: 2 });

      const file = telegram.fake.registerFile(clipPath);
      const update = telegram.fake.fileMessage({
        chatId: CHAT_ID,
        kind: 'document',
        file,
        fileName: 'clip.mp4',
        mimeType: 'video/mp4',
      });
      await bot.probeReset();
      const uploaded = telegram.nextCall(
        (call) => call.method === 'editMessageText' && Number(call.params.chat_id) === CHAT_ID,
        600_000,
      );
      const pushed = telegram.fake.pushUpdate(update);
      const { call, atMs } = await uploaded;
      const probe = await bot.probeRead();
      const botSeconds = (atMs - (telegram.servedAt(pushed.update_id) ?? atMs)) / 1000;
      const received = await emulator.call<number[]>('uploads');
      if (!call.params.reply_markup || !received.some((bytes) => bytes >= sizeMB * MB)) {
        throw new Error(`the bot's upload did not arrive whole: "${String(call.params.text)}"`);
      }

      const filePath = (file as { file_path?: string }).file_path ?? '';
      const curlSeconds = await timeCurl(
        source,
        `${telegram.apiRoot}/file/bot${telegram.token}/${filePath}`,
        clipPath,
        await curlTarget(emulator.ready.url),
      );
      const botMBps = sizeMB / botSeconds;
      const curlMBps = sizeMB / curlSeconds;
      return {
        source,
        sizeMB,
        bot: { seconds: botSeconds, MBps: botMBps, peakRssMB: probe.peakRssMB, probe },
        curl: { seconds: curlSeconds, MBps: curlMBps },
        ratio: botMBps / curlMBps,
      };
    },
  );
}
