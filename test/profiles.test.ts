import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileTypeFromFile } from 'file-type';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKILL_NAMES } from '../src/config.js';
import {
  ACCEPTED_EXTENSIONS,
  ACCEPTED_MIME_BY_EXTENSION,
  type AcceptedExtension,
  acceptedExtensionOf,
  formatAcceptedList,
  profileFor,
} from '../src/profiles.js';

const run = promisify(execFile);

describe('profiles', () => {
  it.each(SKILL_NAMES)('%s has a complete profile under its own name', (name) => {
    const profile = profileFor(name);
    expect(profile.name).toBe(name);
    expect(profile.version).toBe('1.0.0');
    expect(profile.title.length).toBeGreaterThan(0);
    expect(profile.greeting).toMatch(/[.?!]$/);
    expect(new Set(profile.examples).size).toBe(3);
    for (const example of profile.examples) expect(example.trim()).toBe(example);
    expect(profile.tip).toMatch(/^[A-Z].*\.$/);
    expect(profile.acceptedExtensions).toEqual(ACCEPTED_EXTENSIONS);
    expect(profile.typicalWait).toMatch(/\d/);
  });

  it('limits uploads to 200 MB for nemo-video-gen and 500 MB for the others', () => {
    const limits = Object.fromEntries(
      SKILL_NAMES.map((name) => [name, profileFor(name).maxUploadBytes / (1024 * 1024)]),
    );
    expect(limits).toEqual({
      'video-models': 500,
      'nemo-video-gen': 200,
      'ai-video-maker-ai': 500,
      'free-editing-with-ai': 500,
    });
  });

  it('lists the accepted formats grouped by kind, each once', () => {
    const list = formatAcceptedList();
    expect(list).toBe(
      'MP4, MOV, AVI, WebM, MKV (video); JPG, PNG, GIF, WebP (images); MP3, WAV, M4A, AAC (audio)',
    );
    expect(formatAcceptedList(['mp3', 'png'])).toBe('PNG (images); MP3 (audio)');
  });

  it.each([
    ['clip.MP4', 'mp4'],
    ['holiday.final.mov', 'mov'],
    ['photo.jpeg', 'jpg'],
    ['photo.JPG', 'jpg'],
    ['voice.m4a', 'm4a'],
    ['notes.txt', undefined],
    ['README', undefined],
    ['archive.tar.gz', undefined],
    ['.mp4', 'mp4'],
  ])('acceptedExtensionOf(%j) is %j', (fileName, expected) => {
    expect(acceptedExtensionOf(fileName)).toBe(expected);
  });
});

/** One tiny real file per accepted format, made by ffmpeg, to check the MIME table against file-type. */
const FFMPEG_INPUT: Record<'video' | 'image' | 'audio', string[]> = {
  video: ['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10:duration=0.3'],
  image: ['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=1:duration=1', '-frames:v', '1'],
  audio: ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.3'],
};
const ENCODER: Partial<Record<AcceptedExtension, string[]>> = {
  webm: ['-c:v', 'libvpx', '-deadline', 'realtime'],
  m4a: ['-c:a', 'aac'],
  aac: ['-c:a', 'aac', '-f', 'adts'],
  mp4: ['-pix_fmt', 'yuv420p'],
};

describe('ACCEPTED_MIME_BY_EXTENSION against real files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'profiles-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(ACCEPTED_EXTENSIONS)('a real .%s file is sniffed as its listed MIME type', async (extension) => {
    const kind = ACCEPTED_MIME_BY_EXTENSION[extension].split('/')[0] as 'video' | 'image' | 'audio';
    const file = join(dir, `sample.${extension}`);
    await run('ffmpeg', ['-v', 'error', '-y', ...FFMPEG_INPUT[kind], ...(ENCODER[extension] ?? []), file]);
    const sniffed = await fileTypeFromFile(file);
    expect(sniffed?.mime).toBe(ACCEPTED_MIME_BY_EXTENSION[extension]);
    expect(acceptedExtensionOf(`x.${sniffed?.ext}`)).toBe(extension);
  });
});
