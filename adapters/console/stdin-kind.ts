/**
 * What is on the other end of standard input, which decides whether a bot with no platform token has a chat
 * to serve: a terminal or a pipe does, and so does a non-empty file (`npm start < script.txt` runs it as a
 * script); /dev/null, an empty file or a closed descriptor does not.
 */
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';

export type StdinKind = 'terminal' | 'pipe' | 'file' | 'nothing';

export function stdinKind(fd = 0): StdinKind {
  let stat: ReturnType<typeof fstatSync>;
  try {
    stat = fstatSync(fd);
  } catch {
    return 'nothing'; // closed (`<&-`)
  }
  if (isatty(fd)) return 'terminal';
  // A shell pipe is a FIFO; Node's child_process and socket activation hand over a socket.
  if (stat.isFIFO() || stat.isSocket()) return 'pipe';
  if (stat.isFile() && stat.size > 0) return 'file';
  // /dev/null (a character device that is not a terminal), an empty file, a directory.
  return 'nothing';
}
