import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { deadlineIn, waitFor } from '../support/wait-for.js';
import { startHarness, TOKEN } from './harness.js';

describe('the bot token stays out of logs and errors', () => {
  it('a failed poll is logged without the token, though the failed URL contains it', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const h = await startHarness({ log: pino({ level: 'warn' }, sink) });
    await h.fake.waitFor('getUpdates');
    await h.fake.close(); // the Bot API goes away under a polling bot
    const failure = await waitFor(() => lines.find((l) => l.includes('getUpdates failed')), {
      deadline: deadlineIn(15_000),
      what: 'the failed poll to be logged',
    });
    await h.adapter.stop();
    expect(failure).toContain('<token>'); // the URL was there, and was cut
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(TOKEN.split(':')[1]);
  });
});
