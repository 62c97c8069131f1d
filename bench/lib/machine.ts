/** Where the figures came from: they only compare with figures from the same machine. */
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { MB, round } from './stats.js';

export interface MachineNotes {
  cpu: string;
  cores: number;
  memoryGB: number;
  freeMemoryGB: number;
  loadAverage: number[];
  node: string;
  redis: string;
  date: string;
  /** The commit measured, and how many files of src/ and adapters/ differed from it (others' work in progress). */
  code: string;
}

function codeState(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--', 'src', 'adapters').split('\n').filter(Boolean).length;
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ` with ${changed} uncommitted files in src/ and adapters/` : ''}`;
  } catch {
    return 'not a git checkout';
  }
}

export function machineNotes(redisVersion: string): MachineNotes {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGB: round(totalmem() / 1024 / MB, 1),
    freeMemoryGB: round(freemem() / 1024 / MB, 1),
    loadAverage: loadavg().map((l) => round(l, 2)),
    node: process.version,
    redis: redisVersion,
    date: new Date().toISOString(),
    code: codeState(),
  };
}
