/** The adapter's own few sentences (everything else comes from the core), in English and Chinese. */
const TEXTS = {
  notSpender: {
    en: 'Only members with the video role can use this command here.',
    zh: '在这里只有拥有视频角色的成员才能使用此命令。',
  },
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
