/** The adapter's own few sentences (everything else comes from the core), in English and Chinese. */
const TEXTS = {
  failed: {
    en: 'Sorry, something went wrong. Please try again.',
    zh: '抱歉，出了点问题，请再试一次。',
  },
  downloadVideo: { en: 'Download video', zh: '下载视频' },
} as const;

export type TextKey = keyof typeof TEXTS;

/** Picks the language from a Discord locale (`zh-CN`, `zh-TW` → Chinese; anything else → English). */
export function text(key: TextKey, locale: string | undefined): string {
  return locale?.startsWith('zh') ? TEXTS[key].zh : TEXTS[key].en;
}
