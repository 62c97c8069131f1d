/**
 * The local engine's instruction grammar, English and Chinese. Deterministic: each rule is a regular
 * expression over the message with any quoted text taken out first (so a title that says "make it warm"
 * is not a look); every rule that matches adds its operation, in the order of RULES, so "trim the pauses
 * and add fade transitions" is two operations. The table in docs/local-engine.md lists the rules with
 * examples, and a test parses every example there.
 */
import type { Look, TextPosition, TransitionKind } from '../draft.js';
import { NUMBER, parseNumber, SECONDS } from './numbers.js';
import type { AspectRatio, Operation, Understood } from './operations.js';

const QUOTED = /["“”„「『'‘’]([^"“”„「」『』‘’]{1,200})["”“」』'’‘]/;
const num = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : parseNumber(text);
const seconds = (text: string | undefined): number | undefined => {
  const value = num(text);
  return value === undefined ? undefined : Math.round(value * 1000);
};

interface Rule {
  /** The operation's name in the docs table. */
  name: string;
  build(text: string, quoted: string | undefined): Operation | undefined;
}

const RANGE = new RegExp(
  String.raw`(${NUMBER})\s*(?:s|秒|seconds?)?\s*(?:-|–|—|to|until|到|至)\s*(${NUMBER})${SECONDS}?`,
  'i',
);

function range(text: string): { fromMs: number; toMs: number } | undefined {
  const match = RANGE.exec(text);
  const fromMs = seconds(match?.[1]);
  const toMs = seconds(match?.[2]);
  return fromMs !== undefined && toMs !== undefined && toMs > fromMs ? { fromMs, toMs } : undefined;
}

const PAUSES =
  /\b(?:pauses?|silen(?:ce|ces|t parts?)|dead air|gaps?)\b|停顿|静音部分|静默|空白|删除静音|去掉静音|去除静音/i;

const LOOK_WORDS: ReadonlyArray<readonly [Look, RegExp]> = [
  ['cinematic', /\bcinematic\b|\bfilm(?:ic)? look\b|\bmovie look\b|电影感|电影风|电影质感|电影/i],
  [
    'black and white',
    /\bblack(?:\s*(?:and|&)\s*|\s*\/\s*)white\b|\bb\s*&\s*w\b|\bmonochrome\b|\bgr[ae]yscale\b|黑白/i,
  ],
  ['vintage', /\bvintage\b|\bretro\b|\bold film\b|复古|怀旧|老电影/i],
  ['warm', /\bwarm(?:er)?\b|暖色|暖调|温暖/i],
  ['cool', /\bcool(?:er)?\b|\bcold\b|冷色|冷调|清冷/i],
];

const COLORS: Readonly<Record<string, string>> = {
  white: 'white',
  black: 'black',
  yellow: 'yellow',
  red: 'red',
  blue: 'blue',
  green: 'green',
  orange: 'orange',
  pink: 'pink',
  白色: 'white',
  黑色: 'black',
  黄色: 'yellow',
  红色: 'red',
  蓝色: 'blue',
  绿色: 'green',
  橙色: 'orange',
  粉色: 'pink',
};

function textPosition(text: string, fallback: TextPosition): TextPosition {
  if (/\b(?:at|on|to) the top\b|\btop\b|顶部|上方|顶端/i.test(text)) return 'top';
  if (/\b(?:at|on) the bottom\b|\bbottom\b|\blower third\b|底部|下方|底端/i.test(text)) return 'bottom';
  if (/\bcent(?:er|re)(?:d)?\b|\bmiddle\b|中间|居中|中央/i.test(text)) return 'center';
  return fallback;
}

function textColor(text: string): string {
  const word = Object.keys(COLORS).find((name) =>
    /^[a-z]+$/.test(name) ? new RegExp(`\\b${name}\\b`, 'i').test(text) : text.includes(name),
  );
  return word ? COLORS[word]! : 'white';
}

function textSize(text: string): number {
  if (/\b(?:big|large|huge)\b|大字|大号/i.test(text)) return 0.12;
  if (/\bsmall\b|小字|小号/i.test(text)) return 0.05;
  return 0.08;
}

const TEXT_KINDS: ReadonlyArray<readonly ['title' | 'caption' | 'cta', RegExp]> = [
  ['cta', /\bcall[- ]to[- ]action\b|\bcta\b|行动号召|号召/i],
  ['caption', /\bcaption\b|\bsubtitle\b|\blower third\b|字幕|说明文字/i],
  ['title', /\btitle\b|\bheadline\b|\btext\b|标题|文字|文本/i],
];

/** Unquoted text: "add a title Urban Dreams for 3 seconds" → "Urban Dreams". */
function unquotedText(text: string): string | undefined {
  const match =
    /\b(?:title|caption|subtitle|headline|call[- ]to[- ]action|cta|text)\b\s*(?:saying|that says|reading|:)?\s*(.+?)(?=\s+(?:for|at|from|in|on|to|until|during|with)\b|[,.;!?]|$)/i.exec(
      text,
    );
  const candidate = match?.[1]?.trim();
  return candidate && !/^(?:a|an|the|it|this)$/i.test(candidate) ? candidate : undefined;
}

function textRule(text: string, quoted: string | undefined): Operation | undefined {
  if (
    !/\b(?:add|put|show|insert|write|overlay|place|with)\b|添加|加上|加个|加一个|加入|显示|写上|配上/i.test(
      text,
    )
  )
    return undefined;
  const kind = TEXT_KINDS.find(([, pattern]) => pattern.test(text))?.[0];
  if (!kind) return undefined;
  const words = quoted ?? unquotedText(text);
  if (!words) return undefined;
  const span = range(text);
  const forMs = seconds(
    new RegExp(String.raw`(?:\bfor\b|持续|显示)\s*(${NUMBER})${SECONDS}`, 'i').exec(text)?.[1],
  );
  const fromMs = seconds(
    new RegExp(String.raw`(?:\b(?:at|from|starting at)\b|从|在第?)\s*(${NUMBER})${SECONDS}`, 'i').exec(
      text,
    )?.[1],
  );
  // A bare "3 seconds" / "3秒" with no "at"/"from" is how long the text shows.
  const bareMs =
    forMs === undefined && fromMs === undefined
      ? seconds(new RegExp(`(${NUMBER})${SECONDS}`, 'i').exec(text)?.[1])
      : undefined;
  const atEnd = span === undefined && /\bat the end\b|\bending\b|结尾|最后/i.test(text);
  const defaultLen = kind === 'caption' ? 4000 : 3000;
  return {
    op: 'text',
    kind,
    text: words,
    position: textPosition(text, kind === 'title' ? 'center' : 'bottom'),
    atMs: span?.fromMs ?? fromMs ?? 0,
    lenMs: span ? span.toMs - span.fromMs : (forMs ?? bareMs ?? defaultLen),
    atEnd,
    color: textColor(text),
    size: textSize(text),
  };
}

function aspectRule(text: string): Operation | undefined {
  let ratio: AspectRatio | undefined;
  if (/\b9\s*[:x/]\s*16\b|\bvertical\b|\bportrait\b|\b(?:tiktok|reels?|shorts)\b|竖屏|竖版|竖向/i.test(text))
    ratio = '9:16';
  else if (/\b1\s*[:x/]\s*1\b|\bsquare\b|方形|正方形|方屏/i.test(text)) ratio = '1:1';
  else if (/\b16\s*[:x/]\s*9\b|\bhorizontal\b|\blandscape\b|\bwidescreen\b|横屏|横版|宽屏/i.test(text))
    ratio = '16:9';
  if (!ratio) return undefined;
  const fit = /\bpad(?:ding|ded)?\b|\bbars\b|\bletterbox\b|\bblur\b|\bfit\b|填充|黑边|留边/i.test(text)
    ? 'pad'
    : 'crop';
  return { op: 'aspect', ratio, fit };
}

function transitionRule(text: string): Operation | undefined {
  if (!/\btransitions?\b|\bcross[- ]?fades?\b|\bdissolves?\b|转场|过渡/i.test(text)) return undefined;
  let kind: TransitionKind = 'fade';
  if (/\bwipe\b|擦除/i.test(text)) kind = 'wipe';
  else if (/\bslides?\b|滑动|推移/i.test(text)) kind = 'slide';
  const ms = seconds(new RegExp(`(${NUMBER})${SECONDS}`, 'i').exec(text)?.[1]);
  return { op: 'transition', kind, ms: Math.min(2000, Math.max(200, ms ?? 500)) };
}

function speedRule(text: string): Operation | undefined {
  const factorText = new RegExp(String.raw`(${NUMBER})\s*(?:x|×|倍速?)(?!\s*\d)`, 'i').exec(text)?.[1];
  const factor = num(factorText);
  const faster = /\bspeed(?:\s*it)?\s*up\b|\bfaster\b|\bspeed\b|\btime-?lapse\b|加速|快进|快放|倍速/i.test(
    text,
  );
  const slower = /\bslow(?:\s*it)?\s*down\b|\bslow[- ]?mo(?:tion)?\b|\bslower\b|慢放|慢动作|减速|放慢/i.test(
    text,
  );
  if (slower) return { op: 'speed', factor: factor && factor < 1 ? factor : 0.5 };
  if (faster || factorText) {
    const value = factor ?? 2;
    return value >= 0.25 && value <= 4 ? { op: 'speed', factor: value } : undefined;
  }
  return undefined;
}

function trimRule(text: string): Operation | undefined {
  if (PAUSES.test(text)) return undefined;
  const first = new RegExp(
    String.raw`\b(?:first|opening)\s+(${NUMBER})${SECONDS}|前\s*(${NUMBER})\s*秒`,
    'i',
  ).exec(text);
  const last = new RegExp(
    String.raw`\b(?:last|final)\s+(${NUMBER})${SECONDS}|后\s*(${NUMBER})\s*秒|最后\s*(${NUMBER})\s*秒`,
    'i',
  ).exec(text);
  const cutting =
    /\b(?:cut|remove|delete|drop)\b(?:\s+out)?(?:\s+the)?(?:\s+(?:first|part|section|bit))?(?:\s+(?:from|between))?\s+\d|删掉|删除|去掉|剪掉/i.test(
      text,
    );
  const keeping =
    /\b(?:trim|keep|shorten|cut)\b(?:\s+(?:it|the (?:video|clip)))?\s+(?:to|down to)\b|\bkeep\b|\bonly\b|保留|剪到|裁剪到|截取|只要/i.test(
      text,
    );
  const span = range(text);
  if (cutting && span && !keeping) return { op: 'cut', ...span };
  if (cutting && first) {
    const ms = seconds(first[1] ?? first[2]);
    return ms ? { op: 'cut', fromMs: 0, toMs: ms } : undefined;
  }
  if (keeping && span) return { op: 'keep', ...span };
  if (keeping && first) {
    const ms = seconds(first[1] ?? first[2]);
    return ms ? { op: 'keep', fromMs: 0, toMs: ms } : undefined;
  }
  if (keeping && last) {
    const ms = seconds(last[1] ?? last[2] ?? last[3]);
    return ms ? { op: 'keep-last', ms } : undefined;
  }
  const to = new RegExp(
    String.raw`\b(?:trim|cut|shorten)\b.*?\bto\s+(${NUMBER})${SECONDS}|(?:剪|裁剪|缩短)到\s*(${NUMBER})\s*秒`,
    'i',
  ).exec(text);
  const toMs = seconds(to?.[1] ?? to?.[2]);
  return toMs ? { op: 'keep', fromMs: 0, toMs } : undefined;
}

function pausesRule(text: string): Operation | undefined {
  if (!PAUSES.test(text)) return undefined;
  if (!/\b(?:trim|remove|cut|delete|drop|skip|get rid of|tighten)\b|删|去掉|去除|剪掉|剪去|移除/i.test(text))
    return undefined;
  const db = /(-?\d+(?:\.\d+)?)\s*db\b/i.exec(text)?.[1];
  const longer = seconds(
    new RegExp(String.raw`(?:longer than|over|above|超过|长于)\s*(${NUMBER})${SECONDS}`, 'i').exec(text)?.[1],
  );
  return {
    op: 'remove-pauses',
    thresholdDb: db === undefined ? -30 : -Math.abs(Number(db)),
    minPauseMs: longer ?? 500,
  };
}

function musicRule(text: string): Operation | undefined {
  if (
    /\b(?:remove|delete|drop|no)\s+(?:the\s+)?(?:background\s+)?music\b|去掉音乐|删除音乐|去掉配乐|删除配乐/i.test(
      text,
    )
  )
    return { op: 'remove-music' };
  if (!/\bmusic\b|\bbgm\b|\bsoundtrack\b|音乐|配乐|背景乐/i.test(text)) return undefined;
  const percent = /(\d{1,3})\s*%/.exec(text)?.[1];
  const fadeIn = /\bfade[- ]?in\b|淡入/i.test(text);
  const fadeOut = /\bfade[- ]?out\b|淡出/i.test(text);
  const fadeBoth = /\bfades?\b(?![- ]?(?:in|out))|淡入淡出/i.test(text);
  return {
    op: 'music',
    ...(percent !== undefined && { volume: Math.min(100, Number(percent)) / 100 }),
    ...((fadeIn || fadeBoth) && { fadeInMs: 1500 }),
    ...((fadeOut || fadeBoth) && { fadeOutMs: 2000 }),
  };
}

function lookRule(text: string): Operation | undefined {
  if (
    /\b(?:remove|no|clear|reset)\s+(?:the\s+)?(?:look|filter|grade|colou?r grade)\b|去掉滤镜|取消滤镜|原色/i.test(
      text,
    )
  )
    return { op: 'look', look: undefined };
  const look = LOOK_WORDS.find(([, pattern]) => pattern.test(text))?.[0];
  return look ? { op: 'look', look } : undefined;
}

function promoRule(text: string): Operation | undefined {
  if (
    !/\b(?:video|film|reel) (?:of|from|with) (?:these|those|my|the) (?:images|photos|pictures|pics)\b|用这些(?:图片|照片)|\bpromo\b|\bslide\s*show\b|\bad\b|\badvert(?:isement)?\b|\bmontage\b|\bturn (?:these|them|the (?:images|photos|pictures))\b|幻灯片|宣传片|宣传视频|广告|相册/i.test(
      text,
    )
  )
    return undefined;
  const match = new RegExp(String.raw`(${NUMBER})[- ]?(?:seconds?|secs?|s\b|秒)`, 'i').exec(text);
  const secondsWanted = num(match?.[1]);
  return {
    op: 'promo',
    seconds: secondsWanted && secondsWanted >= 3 && secondsWanted <= 600 ? secondsWanted : 30,
    withMusic: /\bmusic\b|\bbgm\b|\bsoundtrack\b|音乐|配乐/i.test(text),
  };
}

/** Rules in the order their operations apply: cut first, then timing, then looks, text and sound. */
const RULES: readonly Rule[] = [
  { name: 'remove-pauses', build: (text) => pausesRule(text) },
  { name: 'trim', build: (text) => trimRule(text) },
  { name: 'promo', build: (text) => promoRule(text) },
  { name: 'speed', build: (text) => speedRule(text) },
  { name: 'transition', build: (text) => transitionRule(text) },
  { name: 'aspect', build: (text) => aspectRule(text) },
  { name: 'look', build: (text) => lookRule(text) },
  {
    name: 'smooth',
    build: (text) =>
      /\bsmooth(?:er|en|ing)?\b|\binterpolat\w*\b|\b60\s*fps\b|补帧|插帧|流畅|顺滑/i.test(text)
        ? { op: 'smooth' }
        : undefined,
  },
  {
    name: 'remove-text',
    build: (text) =>
      /\b(?:remove|delete|drop|clear)\s+(?:the\s+|all\s+)?(?:titles?|captions?|text)\b|删除标题|去掉标题|删除文字|去掉文字|删除字幕|去掉字幕/i.test(
        text,
      )
        ? { op: 'remove-text' }
        : undefined,
  },
  { name: 'text', build: textRule },
  { name: 'music', build: (text) => musicRule(text) },
  {
    name: 'mute',
    build: (text) =>
      /\bmute\b|\bremove (?:the )?(?:sound|audio)\b|\bno (?:sound|audio)\b|\bsilence (?:it|the (?:video|clip))\b|去掉声音|去掉原声|关闭声音|^静音$|设为静音/i.test(
        text,
      )
        ? { op: 'mute' }
        : undefined,
  },
  {
    name: 'normalize',
    build: (text) =>
      /\bnormali[sz]e\b|\bloudness\b|\beven out the (?:audio|volume|sound)\b|响度|音量标准化|统一音量|音量均衡/i.test(
        text,
      )
        ? { op: 'normalize' }
        : undefined,
  },
];

const GENERATE =
  /\b(?:generate|create|make)\b.*\b(?:video|clip|footage|scene)\s+(?:of|about|showing|where|with a)\b|\btext[- ]to[- ]video\b|\bgenerate\b|生成.*视频|文生视频|生成一段/i;
const HELP = /^\s*(?:help|what can you do\??|commands|options)\s*$|你能做什么|能做什么|帮助/i;

/** Parses one message; never throws. */
export function understand(message: string): Understood {
  const quoted = QUOTED.exec(message)?.[1]?.trim();
  // Quoted words are the user's content (a title), never instructions.
  const text = message.replace(QUOTED, ' "…" ').replace(/\s+/g, ' ').trim();
  const operations = RULES.flatMap((rule) => rule.build(text, quoted) ?? []);
  // "turn these into a promo with music" is one operation that brings its own music.
  const promo = operations.find((o) => o.op === 'promo');
  const edits = promo ? operations.filter((o) => o.op !== 'music' || o.volume !== undefined) : operations;
  if (!promo && GENERATE.test(text)) return { kind: 'needs-cloud' };
  if (edits.length > 0) return { kind: 'edit', operations: edits };
  if (HELP.test(text)) return { kind: 'help' };
  return { kind: 'unknown' };
}

/** The rule names, for the docs test. */
export const RULE_NAMES = RULES.map((rule) => rule.name);
