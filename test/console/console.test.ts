/**
 * The console adapter: lines in, readable lines out, real files as attachments, videos saved to disk.
 * The end-to-end test drives startConsoleAdapter with streams against the real core and emulator.
 */
import { copyFile, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { normalizeLine } from '../../adapters/console/normalize.js';
import { ConsolePort, formatButtons } from '../../adapters/console/port.js';
import { startConsoleAdapter } from '../../adapters/console/start.js';
import { createLogger } from '../../src/logger.js';
import { ffprobe, summarizeProbe } from '../fixtures/ffmpeg.js';
import { makeClip } from '../fixtures/media.js';
import { type Harness, startHarness } from '../support/harness.js';
import { shownTexts } from '../support/recording-port.js';

const chat = { platform: 'console' as const, chatId: 'local' };
const silent = createLogger({ level: 'silent' });
let dir: string;
let clip: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-'));
  clip = join(dir, 'my clip.mp4');
  await copyFile(await makeClip({ seconds: 2, width: 1920, height: 1080 }), clip);
});

/** An output stream that keeps what was written. */
function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => {
    text += String(chunk);
  });
  return { stream, read: () => text };
}

describe('normalizeLine', () => {
  const identity = () => ({ chatId: 'local', sender: { id: 'local', displayName: 'me' }, cwd: dir });

  it('turns text and /commands into messages, and skips blank lines', async () => {
    const text = await normalizeLine('add some music', 1, identity());
    expect(text).toMatchObject({
      id: '1',
      chat,
      text: 'add some music',
      attachments: [],
      addressedToBot: true,
    });
    expect(text?.command).toBeUndefined();
    const command = await normalizeLine('/export 1080p', 2, identity());
    expect(command?.command).toEqual({ name: 'export', args: '1080p' });
    expect(await normalizeLine('   ', 3, identity())).toBeUndefined();
  });

  it('a path to a file becomes an attachment (quoted, escaped or relative), the rest its caption', async () => {
    for (const line of [clip, `"${clip}"`, clip.replace(/ /g, '\\ '), "'my clip.mp4'"]) {
      const message = await normalizeLine(line, 1, identity());
      expect(message?.attachments, line).toHaveLength(1);
      expect(message?.text).toBe('');
      const [attachment] = message!.attachments;
      expect(attachment).toMatchObject({ kind: 'video', name: 'my clip.mp4', size: (await stat(clip)).size });
    }
    const captioned = await normalizeLine(`"${clip}" make it cinematic`, 1, identity());
    expect(captioned?.attachments).toHaveLength(1);
    expect(captioned?.text).toBe('make it cinematic');
  });

  it('opens the real bytes', async () => {
    const message = await normalizeLine(clip, 1, identity());
    const stream = await message!.attachments[0]!.open();
    let bytes = 0;
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    expect(bytes).toBe((await stat(clip)).size);
  });

  it('words and missing files stay text', async () => {
    await writeFile(join(dir, 'export'), 'a file named like a command');
    expect((await normalizeLine('export', 1, identity()))?.attachments).toEqual([]);
    expect((await normalizeLine('missing.mp4', 1, identity()))?.attachments).toEqual([]);
  });
});

describe('ConsolePort', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/video.mp4') {
        res.writeHead(200, { 'content-type': 'video/mp4' });
        import('node:fs').then(({ createReadStream }) => createReadStream(clip).pipe(res));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('prints sends and edits as readable lines, buttons as commands to type', async () => {
    const out = capture();
    const port = new ConsolePort({ output: out.stream });
    const sent = await port.sendText(chat, 'Here you go\nsecond line', {
      buttons: [
        [
          { label: 'Export', action: 'export' },
          { label: 'Status', action: 'status' },
        ],
      ],
    });
    await port.editText(chat, sent.id, '⏳ Still working… (2 min)');
    expect(out.read()).toBe(
      'bot> Here you go\n     second line\n     [Export] [Status]  (type /export or /status)\nbot (update)> ⏳ Still working… (2 min)\n',
    );
    expect(formatButtons([[{ label: 'Download', action: 'download', url: 'http://x/v.mp4' }]])).toBe(
      '[Download: http://x/v.mp4]',
    );
  });

  it('saves a video into the download folder and prints the path and the URL', async () => {
    const out = capture();
    const downloads = join(dir, 'downloads');
    const port = new ConsolePort({ output: out.stream, downloadDir: downloads });
    await port.sendVideo(chat, { url: `${base}/video.mp4`, fileName: 'result.mp4', caption: '🎬 Done' });
    const saved = join(downloads, 'result.mp4');
    expect((await stat(saved)).size).toBe((await stat(clip)).size);
    expect(out.read()).toContain('bot> 🎬 Done\n');
    expect(out.read()).toContain('result.mp4');
    expect(out.read()).toContain(`${base}/video.mp4`);
  });

  it('still prints the link when the download fails', async () => {
    const out = capture();
    const port = new ConsolePort({ output: out.stream, downloadDir: join(dir, 'downloads'), log: silent });
    await port.sendVideo(chat, { url: `${base}/missing.mp4`, fileName: 'missing.mp4' });
    expect(out.read()).toContain('could not save the file; download it from the link below');
    expect(out.read()).toContain(`${base}/missing.mp4`);
  });
});

describe('startConsoleAdapter with the real core', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('runs piped lines in order, downloads the video and finishes when input ends', async () => {
    h = await startHarness();
    const input = new PassThrough();
    const out = capture();
    const downloads = join(dir, 'e2e-downloads');
    const adapter = startConsoleAdapter({
      handle: h.bot.handle,
      input,
      output: out.stream,
      log: silent,
      downloadDir: downloads,
    });
    input.end(`credits\n"${clip}" add a title "Hello"\n/status\nexport\n`);
    await adapter.done;
    const transcript = out.read();
    shownTexts.push(transcript);
    const lines = transcript.split('\n');
    const order = [
      'bot> Connecting…',
      'bot> Credits: 100 available',
      'bot> 📤 Uploading 1 file…',
      'bot> Done! I added the title "Hello"',
      'bot> Timeline (2 tracks)',
      'bot> 🎬 Rendering… 0%',
    ].map((start) => lines.findIndex((line) => line.startsWith(start)));
    expect(
      order.every((index) => index >= 0),
      transcript,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(transcript).toContain('bot (update)> 📥 Got it: my clip.mp4 (2 s, 1920×1080).');
    const [saved] = await readdir(downloads);
    expect(saved).toMatch(/\.mp4$/);
    const probe = summarizeProbe(await ffprobe(join(downloads, saved!)));
    expect(probe).toMatchObject({ width: 1920, height: 1080, videoCodec: 'h264' });
  });

  it('stop() ends reading; done resolves', async () => {
    const input = new PassThrough();
    const out = capture();
    const handled: string[] = [];
    let firstHandled!: () => void;
    const first = new Promise<void>((resolve) => {
      firstHandled = resolve;
    });
    const adapter = startConsoleAdapter({
      handle: async (message) => {
        handled.push(message.text);
        firstHandled();
      },
      input,
      output: out.stream,
      log: silent,
    });
    input.write('first\n');
    await first;
    adapter.stop();
    input.write('second\n');
    await adapter.done;
    expect(handled).toEqual(['first']);
  });
});
