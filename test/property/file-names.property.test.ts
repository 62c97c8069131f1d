/**
 * File names from outside, generated with path tricks (`../`, `..\`, absolute paths), control characters,
 * right-to-left marks, 300-character names and broken surrogates: `safeFileName` on its own, the console
 * saving a delivered video under such a name (a render id is the backend's text), and the bot uploading a
 * file under such a name through the emulator.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsolePort } from '../../adapters/console/port.js';
import { MAX_FILE_NAME_BYTES, safeFileName, withoutControls } from '../../src/file-names.js';
import { makeImage } from '../fixtures/media.js';
import { recordProperty } from '../support/fault-results.js';
import { fileAttachment, startHarness } from '../support/harness.js';
import { checkAsync, check as checkSync } from '../support/property.js';

const HOSTILE_PIECES = [
  '../',
  '..\\',
  '/etc/passwd',
  'C:\\Windows\\',
  '..',
  '.',
  ' ',
  '\u0000',
  '\r\n',
  '\u001b[2J',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u2067',
  '\u200f',
  '\ud800',
  '\udc00',
  '😀',
  'é',
  '中文',
  '"',
  "'",
  '%00',
  '.mp4',
  '.png',
];
const piece = fc.oneof(
  fc.constantFrom(...HOSTILE_PIECES),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const hostileName = fc.oneof(
  fc.array(piece, { maxLength: 10 }).map((parts) => parts.join('')),
  // Long names, in one-byte and multi-byte characters, with and without an extension.
  fc
    .tuple(
      fc.constantFrom('a', 'é', '中', '😀', '\u202e'),
      fc.integer({ min: 250, max: 320 }),
      fc.constantFrom('', '.mp4', '.png'),
    )
    .map(([c, n, ext]) => `${c.repeat(n)}${ext}`),
);

const CONTROLS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function expectSafe(name: string): void {
  expect(name).not.toBe('');
  expect(name).not.toMatch(/[/\\]/);
  expect(name).not.toMatch(/^[\s.]|[\s.]$/);
  expect(name).not.toMatch(CONTROLS);
  expect(name).not.toMatch(LONE_SURROGATE);
  expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
}

describe('safeFileName on generated names', () => {
  it('always gives a safe, stable name that keeps a short extension', () => {
    const runs = checkSync(
      fc.property(hostileName, (raw) => {
        const name = safeFileName(raw, 'file.bin');
        expectSafe(name);
        expect(safeFileName(name, 'file.bin')).toBe(name);
        // A name that is nothing but an extension (".png" once the marks are gone) is a dot file: no extension.
        const last = withoutControls(raw).split(/[/\\]/).pop() ?? '';
        const ext = /[^\s.]\.(mp4|png)$/.exec(last)?.[0].slice(1);
        if (ext) expect(name.endsWith(ext)).toBe(true);
      }),
      5000,
    );
    recordProperty('file names: path tricks, controls, RTL marks, 300 characters', runs);
  });

  it('leaves an ordinary name alone', () => {
    for (const name of ['city.mp4', 'Urban Dreams (final).mov', '城市 夜景.mp4', 'a'.repeat(190) + '.png'])
      expect(safeFileName(name, 'x')).toBe(name);
    expect(safeFileName('../../etc/passwd', 'x')).toBe('passwd');
    expect(safeFileName('clip\u202egpj.mp4', 'x')).toBe('clipgpj.mp4');
    expect(safeFileName('..', 'x')).toBe('x');
  });
});

describe('the console saving a video under a generated name', () => {
  let server: Server;
  let url: string;
  const bytes = Buffer.from('not really a video, but bytes');
  beforeAll(async () => {
    server = createServer((_req, res) => res.end(bytes));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v.mp4`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('writes one file inside the downloads folder, whatever the name', async () => {
    const root = await mkdtemp(join(tmpdir(), 'names-'));
    const runs = await checkAsync(
      fc.asyncProperty(hostileName, async (fileName) => {
        const dir = await mkdtemp(join(root, 'downloads-'));
        const output = new PassThrough();
        const printed: string[] = [];
        output.on('data', (chunk) => printed.push(String(chunk)));
        const port = new ConsolePort({ output, downloadDir: dir });
        await port.sendVideo({ platform: 'console', chatId: 'c' }, { url, fileName });
        const files = await readdir(dir);
        expect(files, printed.join('')).toHaveLength(1);
        const saved = join(dir, files[0]!);
        expect(relative(dir, saved).split(sep)).toHaveLength(1);
        expectSafe(files[0]!);
        expect(await readFile(saved)).toEqual(bytes);
        expect(await readdir(root)).toEqual([relative(root, dir)]);
        await rm(dir, { recursive: true });
      }),
      300,
    );
    await rm(root, { recursive: true, force: true });
    recordProperty('file names: console download under a generated name', runs);
  });
});

describe('the bot uploading a file under a generated name', () => {
  it('sends the backend a safe name with the right extension and shows the user the same', {
    timeout: 120_000,
  }, async () => {
    const h = await startHarness({ emulator: { tokensPerIpPer7Days: 1000 } });
    try {
      await h.send('/start');
      const image = await makeImage({ width: 64, height: 48, format: 'png' });
      const runs = await checkAsync(
        fc.asyncProperty(hostileName, async (name) => {
          h.port.clear();
          const session = await h.session();
          const before = session.uploads.length;
          await h.send({ attachments: [await fileAttachment(image, { name, kind: 'photo' })] });
          expect(session.uploads, h.port.texts.join('\n')).toHaveLength(before + 1);
          const sent = session.uploads.at(-1)!.filename;
          const safe = safeFileName(name, 'photo.bin');
          const expected = safe.toLowerCase().endsWith('.png')
            ? safe
            : `${safe.replace(/\.[^./\\]*$/, '') || 'file'}.png`;
          // Multipart quotes `"` as %22 (the WHATWG form rule), so the backend reads it so.
          expect(sent).toBe(expected.replaceAll('"', '%22'));
          // The templates have their own line breaks; nothing else of the Cc class may reach the chat.
          for (const text of h.port.texts) expect(text.replaceAll('\n', '')).not.toMatch(CONTROLS);
        }),
        25,
      );
      recordProperty('file names: uploads through the bot under a generated name', runs);
    } finally {
      await h.close();
    }
  });
});
