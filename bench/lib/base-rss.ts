/**
 * What a process holds before doing anything: plain Node, Node with the tsx loader (how `npm start` runs the
 * bot), and the bot's modules loaded under tsx. Splits the bot's base RSS into what the loader and the
 * libraries cost.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PRINT_RSS = 'process.stdout.write(String(process.memoryUsage.rss() / 1048576))';
const MODULES = [
  'src/bot.ts',
  'adapters/telegram/bot.ts',
  'src/store/index.ts',
  'src/metrics.ts',
  'src/nemo/index.ts',
];

export interface BaseRss {
  nodeMB: number;
  tsxMB: number;
  botModulesMB: number;
}

async function rss(args: string[]): Promise<number> {
  const cwd = fileURLToPath(new URL('../..', import.meta.url));
  const { stdout } = await run(process.execPath, args, { cwd });
  return Math.round(Number(stdout));
}

export async function measureBaseRss(): Promise<BaseRss> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const imports = MODULES.map((m) => `await import(${JSON.stringify(`${root}${m}`)});`).join('');
  return {
    nodeMB: await rss(['-e', PRINT_RSS]),
    tsxMB: await rss(['--import', 'tsx', '-e', PRINT_RSS]),
    botModulesMB: await rss(['--import', 'tsx', '--input-type=module', '-e', `${imports}${PRINT_RSS}`]),
  };
}
