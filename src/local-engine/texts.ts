/**
 * Every sentence the local engine says, in English and Chinese. The bot relays them as the agent's words.
 * A message written in Chinese (or a session created in Chinese) gets Chinese answers.
 */
import type { Look, TextPosition, TransitionKind } from './draft.js';
import type { AspectRatio } from './edit/operations.js';

export type Language = 'en' | 'zh';

const s = (ms: number) => String(Math.round(ms / 100) / 10);

export interface EngineTexts {
  capabilities: string;
  unknown: string;
  needsCloud: string;
  nothingToEdit: string;
  done(lines: string[], lengthMs: number): string;
  keep(fromMs: number, toMs: number): string;
  cut(fromMs: number, toMs: number): string;
  pausesRemoved(count: number, savedMs: number): string;
  noPauses: string;
  noSound: string;
  speed(factor: number): string;
  transition(kind: TransitionKind, ms: number): string;
  aspect(ratio: AspectRatio, fit: 'crop' | 'pad', width: number, height: number): string;
  text(
    kind: 'title' | 'caption' | 'cta',
    text: string,
    fromMs: number,
    toMs: number,
    position: TextPosition,
  ): string;
  textRemoved(count: number): string;
  music(name: string, volume: number, fadeInMs: number, fadeOutMs: number): string;
  builtInMusic: string;
  musicRemoved: string;
  mute: string;
  normalize: string;
  look(look: Look | undefined): string;
  smooth: string;
  promo(images: number, seconds: number, logo: boolean): string;
  noImages: string;
  rangeOutside(lengthMs: number): string;
  failed: string;
}

const LOOK_ZH: Readonly<Record<Look, string>> = {
  cinematic: '电影感',
  warm: '暖色',
  cool: '冷色',
  'black and white': '黑白',
  vintage: '复古',
};
const TRANSITION_ZH: Readonly<Record<TransitionKind, string>> = {
  fade: '淡入淡出',
  wipe: '擦除',
  slide: '滑动',
};
const POSITION_ZH: Readonly<Record<TextPosition, string>> = { top: '顶部', center: '居中', bottom: '底部' };
const TEXT_KIND_EN = { title: 'title', caption: 'caption', cta: 'call to action' } as const;
const TEXT_KIND_ZH = { title: '标题', caption: '字幕', cta: '行动号召' } as const;

const CAPABILITIES_EN = [
  'The local engine (ffmpeg on this machine) understands these instructions:',
  '• trim to 2-8s · keep the first 10 seconds · cut 3-5s',
  '• trim the pauses (remove silences; "below -35 dB", "longer than 0.8 s")',
  '• speed up 2x · slow down',
  '• add fade / wipe / slide transitions',
  '• make it 9:16 / 1:1 / 16:9 (crop, or "with padding")',
  '• add a title "…" for 3 seconds · add a caption "…" at the bottom from 2s to 5s · add a call to action "…" at the end',
  '• add music at 30% with fades (uses your uploaded audio) · remove the music · mute · normalize the loudness',
  '• cinematic / warm / cool / black and white / vintage look · remove the look',
  '• smooth the motion',
  '• turn these images into a 30-second promo with music (a file named "logo" shows at the end)',
].join('\n');
const CAPABILITIES_ZH = [
  '本地引擎（本机的 ffmpeg）能理解这些指令：',
  '• 剪到 2-8 秒 · 保留前 10 秒 · 删掉 3-5 秒',
  '• 去掉停顿（删除静音；可加“-35 dB”“超过 0.8 秒”）',
  '• 2倍速 · 慢放',
  '• 添加淡入淡出 / 擦除 / 滑动转场',
  '• 改成 9:16 / 1:1 / 16:9（裁剪，或“填充黑边”）',
  '• 添加标题“…” 3秒 · 在底部添加字幕“…” 2到5秒 · 在结尾添加行动号召“…”',
  '• 添加背景音乐 30% 淡入淡出（使用你上传的音频）· 去掉音乐 · 去掉声音 · 音量标准化',
  '• 电影感 / 暖色 / 冷色 / 黑白 / 复古 滤镜 · 去掉滤镜',
  '• 补帧让画面更流畅',
  '• 把这些图片做成 30 秒的宣传片，配上音乐（文件名含 logo 的图片放在结尾）',
].join('\n');

export const TEXTS: Readonly<Record<Language, EngineTexts>> = {
  en: {
    capabilities: CAPABILITIES_EN,
    unknown: `I didn't understand that instruction.\n\n${CAPABILITIES_EN}\n\nThe cloud engine understands free text: run the bot without NEMO_ENGINE=local for that.`,
    needsCloud:
      'Generating video from a text description needs the cloud engine: the local engine only edits the clips and images you send. Run the bot without NEMO_ENGINE=local to generate.',
    nothingToEdit: 'There is nothing on the timeline yet: send a clip or a few images first.',
    done: (lines, lengthMs) =>
      `${lines.join('\n')}\n\nThe timeline is now ${s(lengthMs)} s. Say “export” to render it.`,
    keep: (fromMs, toMs) => `Trimmed to ${s(fromMs)}-${s(toMs)} s.`,
    cut: (fromMs, toMs) => `Cut out ${s(fromMs)}-${s(toMs)} s.`,
    pausesRemoved: (count, savedMs) =>
      `Removed ${count} pause${count === 1 ? '' : 's'} (${s(savedMs)} s shorter).`,
    noPauses: 'I found no pauses to remove.',
    noSound: 'Those clips have no sound, so there are no pauses to find.',
    speed: (factor) => (factor < 1 ? `Slowed down to ${factor}x.` : `Sped up to ${factor}x.`),
    transition: (kind, ms) => `Added ${kind} transitions (${s(ms)} s) between the clips.`,
    aspect: (ratio, fit, width, height) =>
      `Set the frame to ${ratio} (${width}×${height}), ${fit === 'crop' ? 'cropping to fill' : 'padding with bars'}.`,
    text: (kind, text, fromMs, toMs, position) =>
      `Added the ${TEXT_KIND_EN[kind]} “${text}” (${s(fromMs)}-${s(toMs)} s, ${position}).`,
    textRemoved: (count) => `Removed ${count} text${count === 1 ? '' : 's'}.`,
    music: (name, volume, fadeInMs, fadeOutMs) =>
      `Background music: ${name} at ${Math.round(volume * 100)}%${fadeInMs || fadeOutMs ? `, fading in ${s(fadeInMs)} s and out ${s(fadeOutMs)} s` : ''}.`,
    builtInMusic:
      'No audio file was uploaded, so I used the built-in soft pad; send an MP3 or WAV to use your own.',
    musicRemoved: 'Removed the background music.',
    mute: 'Muted the clips’ own sound.',
    normalize: 'The loudness will be normalized (EBU R128) in the render.',
    look: (look) => (look ? `Applied a ${look} look.` : 'Removed the look.'),
    smooth: 'Motion smoothing (frame interpolation to 60 fps) is on; renders take longer with it.',
    promo: (images, seconds, logo) =>
      `Made a ${seconds}-second slideshow of ${images} image${images === 1 ? '' : 's'} with Ken Burns motion and fades${logo ? ', the logo at the end' : ''}.`,
    noImages: 'A slideshow needs images: send a few pictures first.',
    rangeOutside: (lengthMs) => `That range is outside the timeline (it is ${s(lengthMs)} s long).`,
    failed: 'Something went wrong while editing; the timeline is unchanged.',
  },
  zh: {
    capabilities: CAPABILITIES_ZH,
    unknown: `我没有理解这条指令。\n\n${CAPABILITIES_ZH}\n\n云端引擎能理解自由描述：不设置 NEMO_ENGINE=local 运行机器人即可。`,
    needsCloud:
      '根据文字描述生成视频需要云端引擎：本地引擎只能编辑你发送的视频和图片。不设置 NEMO_ENGINE=local 运行机器人即可生成。',
    nothingToEdit: '时间线上还没有内容：请先发送一段视频或几张图片。',
    done: (lines, lengthMs) => `${lines.join('\n')}\n\n时间线现在长 ${s(lengthMs)} 秒。说“导出”即可渲染。`,
    keep: (fromMs, toMs) => `已剪到 ${s(fromMs)}-${s(toMs)} 秒。`,
    cut: (fromMs, toMs) => `已删掉 ${s(fromMs)}-${s(toMs)} 秒。`,
    pausesRemoved: (count, savedMs) => `已去掉 ${count} 处停顿（缩短 ${s(savedMs)} 秒）。`,
    noPauses: '没有找到需要去掉的停顿。',
    noSound: '这些片段没有声音，无法查找停顿。',
    speed: (factor) => (factor < 1 ? `已放慢到 ${factor} 倍速。` : `已加速到 ${factor} 倍速。`),
    transition: (kind, ms) => `已在片段之间添加${TRANSITION_ZH[kind]}转场（${s(ms)} 秒）。`,
    aspect: (ratio, fit, width, height) =>
      `画面已改为 ${ratio}（${width}×${height}），${fit === 'crop' ? '裁剪填满' : '填充黑边'}。`,
    text: (kind, text, fromMs, toMs, position) =>
      `已添加${TEXT_KIND_ZH[kind]}“${text}”（${s(fromMs)}-${s(toMs)} 秒，${POSITION_ZH[position]}）。`,
    textRemoved: (count) => `已删除 ${count} 段文字。`,
    music: (name, volume, fadeInMs, fadeOutMs) =>
      `背景音乐：${name}，音量 ${Math.round(volume * 100)}%${fadeInMs || fadeOutMs ? `，淡入 ${s(fadeInMs)} 秒、淡出 ${s(fadeOutMs)} 秒` : ''}。`,
    builtInMusic: '没有上传音频文件，所以使用了内置的柔和音乐；发送 MP3 或 WAV 即可换成你自己的。',
    musicRemoved: '已去掉背景音乐。',
    mute: '已去掉片段原声。',
    normalize: '渲染时会做响度标准化（EBU R128）。',
    look: (look) => (look ? `已应用${LOOK_ZH[look]}滤镜。` : '已去掉滤镜。'),
    smooth: '已开启画面补帧（插值到 60 fps）；渲染会更慢。',
    promo: (images, seconds, logo) =>
      `已把 ${images} 张图片做成 ${seconds} 秒的幻灯片，带缩放平移动效和淡入淡出${logo ? '，结尾显示 logo' : ''}。`,
    noImages: '幻灯片需要图片：请先发送几张图片。',
    rangeOutside: (lengthMs) => `这个范围超出了时间线（时间线长 ${s(lengthMs)} 秒）。`,
    failed: '编辑时出了问题，时间线没有改变。',
  },
};

/** Chinese when the message has Han characters, else the session's language, else English. */
export function languageFor(message: string, sessionLanguage: string | undefined): Language {
  if (/\p{Script=Han}/u.test(message)) return 'zh';
  if (/[a-z]/i.test(message)) return 'en';
  return sessionLanguage?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
