import type { SkillName } from './config.js';

/**
 * The four skills the bot can front, as their product texts (the seeds) describe them.
 * The skill's name and version go out in the X-Skill-Source / X-Skill-Version headers.
 */
export interface SkillProfile {
  name: SkillName;
  version: '1.0.0';
  /** Product name shown to users. */
  title: string;
  /** First thing the bot says: the seed's "Getting Started" sentence. */
  greeting: string;
  /** Three prompts to try, from the seed's "Try saying" list. */
  examples: readonly [string, string, string];
  tip: string;
  maxUploadBytes: number;
  acceptedExtensions: readonly AcceptedExtension[];
  /** How long a typical job takes, to set expectations: "about 1-3 minutes". */
  typicalWait: string;
}

/** What the backend accepts, for every skill (nemo-api.md, "Accepted uploads"). */
export const ACCEPTED_EXTENSIONS = [
  'mp4',
  'mov',
  'avi',
  'webm',
  'mkv',
  'jpg',
  'png',
  'gif',
  'webp',
  'mp3',
  'wav',
  'm4a',
  'aac',
] as const;
export type AcceptedExtension = (typeof ACCEPTED_EXTENSIONS)[number];

/** The MIME type the `file-type` package reports for each accepted format, so a sniffed file can be matched. */
export const ACCEPTED_MIME_BY_EXTENSION: Readonly<Record<AcceptedExtension, string>> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  avi: 'video/vnd.avi',
  webm: 'video/webm',
  mkv: 'video/matroska',
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  m4a: 'audio/x-m4a',
  aac: 'audio/aac',
};

/** Other spellings of an accepted extension that users' files carry. */
const EXTENSION_ALIASES: Readonly<Record<string, AcceptedExtension>> = { jpeg: 'jpg' };

/** The accepted extension of a file name (case-insensitive, `.jpeg` counts as jpg), if it has one. */
export function acceptedExtensionOf(fileName: string): AcceptedExtension | undefined {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return undefined;
  const extension = fileName.slice(dot + 1).toLowerCase();
  const known = ACCEPTED_EXTENSIONS as readonly string[];
  return known.includes(extension) ? (extension as AcceptedExtension) : EXTENSION_ALIASES[extension];
}

const DISPLAY_NAME: Partial<Record<AcceptedExtension, string>> = { webm: 'WebM', webp: 'WebP' };
const displayName = (extension: AcceptedExtension) => DISPLAY_NAME[extension] ?? extension.toUpperCase();

/** "MP4, MOV, AVI, WebM, MKV (video); JPG, PNG, GIF, WebP (images); MP3, WAV, M4A, AAC (audio)" */
export function formatAcceptedList(extensions: readonly AcceptedExtension[] = ACCEPTED_EXTENSIONS): string {
  const groups: Array<[string, string]> = [
    ['video/', 'video'],
    ['image/', 'images'],
    ['audio/', 'audio'],
  ];
  return groups
    .map(([mimePrefix, label]) => {
      const names = extensions
        .filter((e) => ACCEPTED_MIME_BY_EXTENSION[e].startsWith(mimePrefix))
        .map(displayName);
      return names.length > 0 ? `${names.join(', ')} (${label})` : '';
    })
    .filter(Boolean)
    .join('; ');
}

// Binary megabytes, as the rest of the bot counts and shows sizes ("500 MB"); a file the backend
// counts as larger is refused with 4002, which the upload flow explains.
const MB = 1024 * 1024;

export const PROFILES: Readonly<Record<SkillName, SkillProfile>> = {
  'video-models': {
    name: 'video-models',
    version: '1.0.0',
    title: 'Video Models',
    greeting:
      "Share your video clips and I'll get started on AI model processing. Or just tell me what you're thinking.",
    // The seed's third line breaks off ("apply a cinematic video model to"); completed from its own workflow text.
    examples: [
      'generate my video clips',
      'export 1080p MP4',
      'apply a cinematic video model to enhance color and motion smoothness',
    ],
    tip: 'Shorter clips under 30 seconds process significantly faster.',
    maxUploadBytes: 500 * MB,
    acceptedExtensions: ACCEPTED_EXTENSIONS,
    typicalWait: 'about 30-90 seconds',
  },
  'nemo-video-gen': {
    name: 'nemo-video-gen',
    version: '1.0.0',
    title: 'Nemo Video Gen',
    greeting:
      "Share your text prompts or clips and I'll get started on AI video generation. Or just tell me what you're thinking.",
    // The seed's third line breaks off ("generate a 15-second video of a"); completed from its own workflow text.
    examples: [
      'generate my text prompts or clips',
      'export 1080p MP4',
      'generate a 15-second video of a sunset beach from a text description',
    ],
    tip: 'Shorter and more specific prompts produce more accurate video results.',
    maxUploadBytes: 200 * MB,
    acceptedExtensions: ACCEPTED_EXTENSIONS,
    typicalWait: 'about 1-3 minutes',
  },
  'ai-video-maker-ai': {
    name: 'ai-video-maker-ai',
    version: '1.0.0',
    title: 'AI Video Maker AI',
    greeting:
      "Got images or clips to work with? Send it over and tell me what you need — I'll take care of the AI video creation.",
    examples: [
      'create five product images and a logo file into a 1080p MP4',
      'turn these images into a 30-second promo video with music and text overlays',
      'creating videos from images or clips using AI automation for marketers and content creators',
    ],
    tip: 'Using fewer than 10 images speeds up generation significantly.',
    maxUploadBytes: 500 * MB,
    acceptedExtensions: ACCEPTED_EXTENSIONS,
    typicalWait: 'about 1-2 minutes',
  },
  'free-editing-with-ai': {
    name: 'free-editing-with-ai',
    version: '1.0.0',
    title: 'Free Editing with AI',
    greeting:
      "Got raw video footage to work with? Send it over and tell me what you need — I'll take care of the AI-powered editing.",
    // The seed lists none; these follow its text (a phone recording; aspect ratio, text overlays, audio tracks).
    examples: [
      'trim the pauses, add transitions, and export a clean final cut',
      'change the aspect ratio to 9:16 and add a text overlay that says "Day 1"',
      'add soft background music and lower it under the voice',
    ],
    tip: 'Shorter clips under 3 minutes process noticeably faster.',
    maxUploadBytes: 500 * MB,
    acceptedExtensions: ACCEPTED_EXTENSIONS,
    typicalWait: 'about 1-2 minutes',
  },
};

export function profileFor(name: SkillName): SkillProfile {
  return PROFILES[name];
}
