import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SKILL_NAMES } from '../../src/config.js';
import type { Attachment, ButtonAction, IncomingMessage } from '../../src/messages.js';
import { profileFor } from '../../src/profiles.js';
import { KEYWORDS, matchKeywordIntent } from '../../src/router/intents.js';
import { type Intent, route } from '../../src/router/router.js';

function message(text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    id: '1',
    chat: { platform: 'test', chatId: 'c1' },
    sender: { id: 'u1', displayName: 'Ann' },
    text,
    attachments: [],
    isGroup: false,
    addressedToBot: true,
    receivedAt: 0,
    ...extra,
  };
}

const video: Attachment = {
  kind: 'video',
  name: 'clip.mp4',
  mimeType: 'video/mp4',
  open: async () => Readable.from([]),
};

describe('route: English keywords', () => {
  it.each<[string, Intent['kind']]>([
    // export
    ['export', 'export'],
    ['Export', 'export'],
    ['export!', 'export'],
    ['export 1080p', 'export'],
    ['export 1080p MP4', 'export'],
    ['export in 4k', 'export'],
    ['please export it', 'export'],
    ['can you export the video now?', 'export'],
    ['export the final video please', 'export'],
    ['download', 'export'],
    ['download it', 'export'],
    ["I'd like to download the video in 720p", 'export'],
    ['send me the video', 'export'],
    ['Send me the video, thanks!', 'export'],
    ['send it', 'export'],
    ['render', 'export'],
    ['render it in 1080p', 'export'],
    // credits
    ['credits', 'credits'],
    ['credits?', 'credits'],
    ['how many credits do I have left', 'credits'],
    ['balance', 'credits'],
    ["what's my balance", 'credits'],
    ['check my credit balance', 'edit'], // two heads: not a single request, left to the AI
    ['check my balance', 'credits'],
    // state
    ['status', 'state'],
    ['STATUS', 'state'],
    ["what's the status?", 'state'],
    ['show tracks', 'state'],
    ['show me the tracks', 'state'],
    ['show the timeline', 'state'],
    // upload
    ['upload', 'upload'],
    ['upload a video', 'upload'],
    ['how do I upload a file?', 'upload'],
    // help, cancel, new
    ['help', 'help'],
    ['help please', 'help'],
    ['cancel', 'cancel'],
    ['stop', 'cancel'],
    ['please stop', 'cancel'],
    ['start over', 'new'],
    ['new project', 'new'],
    ['reset', 'new'],
  ])('%j → %s', (text, kind) => {
    expect(route(message(text)).kind).toBe(kind);
  });

  it.each([
    'exported clip looks dark',
    'the export looks blurry, sharpen it',
    'add a status bar overlay that says balance',
    'balance the audio levels',
    'download some music for the intro',
    'trim the pauses, add transitions, and export a clean final cut',
    'render the title in gold',
    'stop the music at 5 seconds',
    'make a new intro with upload animation',
    'add BGM',
    "don't export yet",
    'do not download it',
    'exporting', // an inflection is not the request word
    'credit roll at the end',
    'generate a 15-second video of a sunset beach',
    'please',
    'the video',
    '1080p',
  ])('%j is an edit for the AI, sent as typed', (text) => {
    expect(route(message(`  ${text} `))).toEqual({ kind: 'edit', text });
  });
});

describe('route: Chinese keywords', () => {
  it.each<[string, Intent['kind']]>([
    ['导出', 'export'],
    ['导出视频', 'export'],
    ['请导出', 'export'],
    ['请帮我导出视频吧', 'export'],
    ['导出 1080p', 'export'],
    ['导出1080P MP4', 'export'],
    ['导出！', 'export'],
    ['下载', 'export'],
    ['下载视频', 'export'],
    ['把视频发给我', 'export'],
    ['积分', 'credits'],
    ['我的积分', 'credits'],
    ['还剩多少积分？', 'credits'],
    ['余额', 'credits'],
    ['查询余额', 'credits'],
    ['状态', 'state'],
    ['查看状态', 'state'],
    ['显示轨道', 'state'],
    ['上传', 'upload'],
    ['上传视频', 'upload'],
    ['我要上传文件', 'upload'],
    ['帮助', 'help'],
    ['取消', 'cancel'],
    ['重新开始', 'new'],
    ['新项目', 'new'],
  ])('%j → %s', (text, kind) => {
    expect(route(message(text)).kind).toBe(kind);
  });

  it.each([
    '导出的视频太暗了',
    '给视频加一个状态栏',
    '在开头加上积分排行榜',
    '把背景音乐换成轻音乐',
    '上传说明文字放在片尾',
    '生成一段日落海滩的视频',
  ])('%j is an edit', (text) => {
    expect(route(message(text))).toEqual({ kind: 'edit', text });
  });
});

describe('route: commands', () => {
  it.each<[string, Intent['kind']]>([
    ['start', 'start'],
    ['help', 'help'],
    ['credits', 'credits'],
    ['balance', 'credits'],
    ['status', 'state'],
    ['tracks', 'state'],
    ['export', 'export'],
    ['download', 'export'],
    ['new', 'new'],
    ['reset', 'new'],
    ['cancel', 'cancel'],
    ['upload', 'upload'],
    ['EXPORT', 'export'],
    ['frobnicate', 'help'],
  ])('/%s → %s', (name, kind) => {
    expect(route(message(`/${name}`, { command: { name, args: '' } })).kind).toBe(kind);
  });

  it('reads a command from plain text when the adapter did not parse one', () => {
    expect(route(message('/export@NemoBot 1080p')).kind).toBe('export');
    expect(route(message('/status')).kind).toBe('state');
    expect(route(message('/start deep-link-payload')).kind).toBe('start');
  });

  it('a command wins over keywords in its arguments', () => {
    expect(route(message('/credits export', { command: { name: 'credits', args: 'export' } }))).toEqual({
      kind: 'credits',
    });
  });

  it('/edit carries free text to the AI, and without text shows the help', () => {
    expect(route(message('', { command: { name: 'edit', args: ' add a title ' } }))).toEqual({
      kind: 'edit',
      text: 'add a title',
    });
    expect(route(message('', { command: { name: 'edit', args: '' } }))).toEqual({ kind: 'help' });
  });

  it('a path is not a command', () => {
    expect(route(message('/tmp/clip.mp4 is the one'))).toEqual({
      kind: 'edit',
      text: '/tmp/clip.mp4 is the one',
    });
  });
});

describe('route: access commands', () => {
  it('sends /limits, /stats, /token, /logout and /account to the access gate, with their arguments', () => {
    expect(route(message('/limits'))).toEqual({ kind: 'access', command: 'limits', args: '' });
    expect(route(message('/stats@NemoBot'))).toEqual({ kind: 'access', command: 'stats', args: '' });
    expect(route(message('/logout'))).toEqual({ kind: 'access', command: 'logout', args: '' });
    expect(route(message('/account'))).toEqual({ kind: 'access', command: 'account', args: '' });
    expect(route(message('', { command: { name: 'token', args: ' nmv_usr_abc123 ' } }))).toEqual({
      kind: 'access',
      command: 'token',
      args: 'nmv_usr_abc123',
    });
  });

  it('never sends a pasted token to the AI: an edit, a caption or /edit holding one is /token', () => {
    const asToken = { kind: 'access', command: 'token', args: 'nmv_usr_abc123' };
    expect(route(message('here is my token nmv_usr_abc123 thanks'))).toEqual(asToken);
    expect(route(message('/edit nmv_usr_abc123'))).toEqual(asToken);
    expect(route(message('nmv_usr_abc123', { attachments: [video] }))).toEqual(asToken);
  });
});

describe('route: buttons, files, groups, empty', () => {
  it.each<[ButtonAction, Intent['kind']]>([
    ['export', 'export'],
    ['download', 'export'],
    ['status', 'state'],
    ['cancel', 'cancel'],
    ['new', 'new'],
    ['credits', 'credits'],
    ['help', 'help'],
  ])('button %s → %s', (action, kind) => {
    expect(route(message('', { action }))).toEqual({ kind });
  });

  it('a button pressed in a group counts even if the message is not otherwise addressed', () => {
    expect(route(message('', { action: 'export', isGroup: true, addressedToBot: false }))).toEqual({
      kind: 'export',
    });
  });

  it('a file is an upload, and its caption follows as the edit', () => {
    // Intent's `then` is a plain string; read it through a helper so no test literal looks thenable.
    const upload = (m: IncomingMessage) => {
      const intent = route(m);
      return {
        kind: intent.kind,
        keys: Object.keys(intent),
        caption: intent.kind === 'upload' ? intent.then : null,
      };
    };
    expect(upload(message('', { attachments: [video] }))).toEqual({
      kind: 'upload',
      keys: ['kind'],
      caption: undefined,
    });
    expect(upload(message('  ', { attachments: [video] })).keys).toEqual(['kind']);
    expect(upload(message(' make it black and white ', { attachments: [video] })).caption).toBe(
      'make it black and white',
    );
    expect(upload(message('export', { attachments: [video] })).caption).toBe('export');
    const slashUpload = message('/upload add music', {
      attachments: [video],
      command: { name: 'upload', args: 'add music' },
    });
    expect(upload(slashUpload)).toMatchObject({ kind: 'upload', caption: 'add music' });
  });

  it('ignores group messages not meant for the bot, whatever they say', () => {
    for (const text of ['export', 'add music', '导出']) {
      expect(route(message(text, { isGroup: true, addressedToBot: false }))).toEqual({
        kind: 'ignore',
        reason: 'not-addressed',
      });
    }
    expect(route(message('', { isGroup: true, addressedToBot: false, attachments: [video] })).kind).toBe(
      'ignore',
    );
    expect(route(message('export', { isGroup: true, addressedToBot: true })).kind).toBe('export');
  });

  it('ignores a message with neither text nor files', () => {
    expect(route(message(''))).toEqual({ kind: 'ignore', reason: 'empty' });
    expect(route(message(' \n\t '))).toEqual({ kind: 'ignore', reason: 'empty' });
  });
});

describe('keyword table', () => {
  it('routes every listed phrase to its own action', () => {
    for (const [kind, entry] of Object.entries(KEYWORDS)) {
      for (const phrase of [...entry.en, ...entry.zh]) expect(matchKeywordIntent(phrase), phrase).toBe(kind);
    }
  });

  it.each(SKILL_NAMES)("routes %s's examples: export requests export, the rest go to the AI", (name) => {
    for (const example of profileFor(name).examples) {
      const expected = example === 'export 1080p MP4' ? 'export' : 'edit';
      expect(route(message(example)).kind, example).toBe(expected);
    }
  });
});
