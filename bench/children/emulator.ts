/**
 * The NemoVideo emulator in a process of its own (so its work is not the bot's), with options from
 * BENCH_EMULATOR_OPTIONS (JSON). Command `uploads` lists the bytes each upload request carried.
 */
import { startEmulator } from '../../test/fakes/nemo/emulator.js';
import { serveCommands } from '../lib/child-rpc.js';

const emulator = await startEmulator(JSON.parse(process.env.BENCH_EMULATOR_OPTIONS ?? '{}'));
serveCommands(
  { url: emulator.url },
  {
    uploads: () => emulator.requestsTo('upload').map((r) => r.bodyBytes ?? 0),
    'run-sse-count': () => emulator.requestsTo('run-sse').length,
  },
  // Closing removes the emulator's temporary directory, where the uploaded gigabytes are.
  () => emulator.close(),
);
