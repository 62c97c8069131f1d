/** What the user hears about a job another process took over (kept here until texts.ts takes them in). */
import type { Lang } from '../texts.js';

export interface RecoveryTexts {
  /** The progress message of an edit cut off by a restart. */
  editCut: string;
  /** The edit reached the service and these changes are on the timeline now. */
  editChanged(changes: readonly string[]): string;
  /** The edit reached the service but nothing on the timeline changed. */
  editNothingChanged: string;
}

const en: RecoveryTexts = {
  editCut: '⚠️ Interrupted by a restart.',
  editChanged: (changes) =>
    `The bot restarted during your edit. I didn't resend it, so you aren't charged twice. Here's what changed:\n${changes
      .map((c) => `• ${c}`)
      .join('\n')}`,
  editNothingChanged:
    "The bot restarted during your edit and it was interrupted: nothing on the timeline changed. I didn't resend it, so you aren't charged twice — send it again if you still want it.",
};

const zh: RecoveryTexts = {
  editCut: '⚠️ 因重启而中断。',
  editChanged: (changes) =>
    `编辑进行中机器人重启了。我没有重新发送，以免重复扣费。改动如下：\n${changes.map((c) => `• ${c}`).join('\n')}`,
  editNothingChanged:
    '编辑进行中机器人重启了，编辑被中断：时间线没有变化。我没有重新发送，以免重复扣费——如果仍需要，请再发一次。',
};

export function recoveryTexts(lang: Lang): RecoveryTexts {
  return lang === 'zh' ? zh : en;
}
