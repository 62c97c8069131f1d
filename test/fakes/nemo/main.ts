/** `npm run emulator`: a NemoVideo backend on this machine for trying the bot by hand. */
import { startEmulator } from './emulator.js';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a whole number, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

const emulator = await startEmulator({
  port: numberFromEnv('EMULATOR_PORT', 4010),
  host: process.env.EMULATOR_HOST || '127.0.0.1',
  publicUrl: process.env.EMULATOR_PUBLIC_URL || '',
  renderStepMs: numberFromEnv('EMULATOR_RENDER_STEP_MS', 3000),
  editDelayMs: numberFromEnv('EMULATOR_EDIT_DELAY_MS', 400),
  heartbeatMs: numberFromEnv('EMULATOR_HEARTBEAT_MS', 2000),
  // An operator token (the bot's NEMO_TOKEN) is accepted as a registered account.
  operatorTokens: (process.env.EMULATOR_OPERATOR_TOKENS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean),
});
console.log(`NemoVideo emulator listening on ${emulator.url}`);
console.log(`Use NEMO_API_BASE=${emulator.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('closing the emulator failed:', error);
        process.exit(1);
      },
    );
  });
}
