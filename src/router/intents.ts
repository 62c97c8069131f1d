/**
 * The one keyword table: which words and commands ask for which action, in English and Chinese.
 *
 * The rule: a message asks for an action when it is nothing but a request for it. The action's
 * head words must be there, and every other word must be politeness or format noise ("please",
 * "can you", "the video", "now", "1080p", "mp4"). So "export", "export 1080p", "please export it"
 * and "send me the video" export, while "exported clip looks dark" (no head word: "exported" is a
 * different word) and "add a status bar overlay that says balance" (creative words left over) are
 * edits for the AI. English is compared word by word; Chinese has no spaces, so the whole message
 * must match filler* head filler* (e.g. 请 + 导出 + 视频).
 */

/** Actions a message or command can ask for directly, without the AI. */
export type ActionKind = 'start' | 'help' | 'new' | 'cancel' | 'credits' | 'state' | 'export' | 'upload';

interface KeywordEntry {
  /** Phrases as users say them; each is reduced to its head words by dropping filler words. */
  en: readonly string[];
  /** Whole-message heads in Chinese; filler may surround them. */
  zh: readonly string[];
  /** Slash commands (without the slash), including aliases. */
  commands: readonly string[];
}

export const KEYWORDS: Readonly<Record<ActionKind, KeywordEntry>> = {
  export: {
    en: ['export', 'download', 'render', 'send me the video'],
    zh: ['导出', '下载', '发给我', '发我', '输出'],
    commands: ['export', 'download', 'render'],
  },
  credits: {
    en: ['credits', 'credit', 'balance'],
    zh: ['积分', '余额', '点数', '额度'],
    commands: ['credits', 'balance'],
  },
  state: {
    en: ['status', 'state', 'show tracks', 'timeline'],
    zh: ['状态', '轨道', '时间线', '时间轴'],
    commands: ['status', 'state', 'tracks', 'timeline'],
  },
  upload: {
    en: ['upload'],
    zh: ['上传'],
    commands: ['upload'],
  },
  help: {
    en: ['help', 'commands'],
    zh: ['帮助', '怎么用', '使用说明'],
    commands: ['help'],
  },
  cancel: {
    en: ['cancel', 'stop'],
    zh: ['取消', '停止'],
    commands: ['cancel', 'stop'],
  },
  new: {
    en: ['new project', 'new session', 'start over', 'reset'],
    zh: ['新项目', '新建项目', '重新开始', '重来'],
    commands: ['new', 'reset'],
  },
  start: {
    en: [],
    zh: [],
    commands: ['start'],
  },
};

/** Commands about who may spend and on which account; the access gate answers them. */
export const ACCESS_COMMANDS = ['limits', 'stats', 'token', 'logout', 'account'] as const;
export type AccessCommand = (typeof ACCESS_COMMANDS)[number];

export function accessCommand(name: string): AccessCommand | undefined {
  return (ACCESS_COMMANDS as readonly string[]).includes(name) ? (name as AccessCommand) : undefined;
}

/** A NemoVideo user token pasted anywhere in a message: it is handled as /token, never sent to the AI. */
export const TOKEN_SHAPE = /\bnmv_usr_[A-Za-z0-9_-]+/;

/** The command whose arguments are free text for the AI (a Discord slash command, `/edit make it brighter`). */
export const EDIT_COMMAND = 'edit';

/** Words that never change what a short request asks for. */
const ENGLISH_FILLER = new Set(
  `please pls plz kindly thanks thank thx ty ok okay hey hi hello
   i id im ive me my mine we us our you your u it its this that these those there here
   can could would will shall may might do does did is are am be was want wanna need like let lets
   go ahead check show see view get tell know have has list
   a an the of for in on as at to from into
   what whats how much many where when
   now right away asap again already yet soon quick quickly still up
   video videos clip clips movie file final finished result output version current
   left remaining available total
   mp4 mov webm hd fhd uhd full high quality resolution res format`.split(/\s+/),
);
/** 1080p, 4k, 60fps, 30: format details that do not change the request. */
const ENGLISH_FORMAT_TOKEN = /^(?:\d{3,4}p|\d+k|\d+fps|\d+)$/;

/** Lower-case words with apostrophes folded in ("what's" → "whats"). */
export function englishWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** What a message says once filler is dropped: its head words. */
function englishHead(text: string): string {
  return englishWords(text)
    .filter((word) => !ENGLISH_FILLER.has(word) && !ENGLISH_FORMAT_TOKEN.test(word))
    .join(' ');
}

const CHINESE_FILLER = [
  '请',
  '麻烦',
  '帮我',
  '帮忙',
  '给我',
  '我要',
  '我想要',
  '我想',
  '想要',
  '要',
  '想',
  '可以',
  '能不能',
  '能否',
  '能',
  '你',
  '我',
  '我的',
  '现在',
  '马上',
  '立即',
  '查看',
  '查询',
  '查一下',
  '查查',
  '看看',
  '看一下',
  '显示',
  '一下',
  '下来',
  '出来',
  '来',
  '吧',
  '吗',
  '呢',
  '啊',
  '呀',
  '了',
  '的',
  '谢谢',
  '把',
  '将',
  '视频',
  '影片',
  '成片',
  '文件',
  '作品',
  '高清',
  '格式',
  '还有',
  '还剩',
  '剩余',
  '剩下',
  '有多少',
  '多少',
  '当前',
  '目前',
  '好的',
  '一个',
  'mp4',
  'mov',
  'hd',
  '\\d{3,4}p',
  '\\d+k',
  '\\d+fps',
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CHINESE_FILLER_PATTERN = `(?:${CHINESE_FILLER.join('|')})*`;
const HAN = /\p{Script=Han}/u;

interface CompiledEntry {
  kind: ActionKind;
  englishHeads: ReadonlySet<string>;
  chinese?: RegExp;
}

const COMPILED: readonly CompiledEntry[] = (
  Object.entries(KEYWORDS) as Array<[ActionKind, KeywordEntry]>
).map(([kind, entry]) => {
  const englishHeads = new Set(
    entry.en.map((phrase) => {
      const head = englishHead(phrase);
      // A phrase made only of filler would match "please" or "the video": a mistake in this table.
      if (!head) throw new Error(`Keyword phrase "${phrase}" for ${kind} is all filler words`);
      return head;
    }),
  );
  const chinese =
    entry.zh.length > 0
      ? new RegExp(
          `^${CHINESE_FILLER_PATTERN}(?:${entry.zh.map(escapeRegExp).join('|')})${CHINESE_FILLER_PATTERN}$`,
          'u',
        )
      : undefined;
  return { kind, englishHeads, chinese };
});

/** The action a free-text message asks for, or undefined when it is something for the AI. */
export function matchKeywordIntent(text: string): ActionKind | undefined {
  if (HAN.test(text)) {
    const compact = text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
    return COMPILED.find((entry) => entry.chinese?.test(compact))?.kind;
  }
  const head = englishHead(text);
  if (!head) return undefined;
  return COMPILED.find((entry) => entry.englishHeads.has(head))?.kind;
}

const COMMANDS: ReadonlyMap<string, ActionKind> = new Map(
  (Object.entries(KEYWORDS) as Array<[ActionKind, KeywordEntry]>).flatMap(([kind, entry]) =>
    entry.commands.map((command) => [command, kind] as const),
  ),
);

/** The action a slash command names (case-insensitive), or undefined for an unknown command. */
export function commandIntent(name: string): ActionKind | undefined {
  return COMMANDS.get(name.toLowerCase());
}
