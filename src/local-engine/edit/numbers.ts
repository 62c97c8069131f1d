/** Numbers and durations as people type them, in English and Chinese: "3", "2.5", "三", "十五", "3s", "3 秒". */

const DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** A number in Arabic digits or Chinese numerals up to 99 ("十五", "二十", "三十"). */
export const NUMBER = String.raw`\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]{1,3}`;

export function parseNumber(text: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (!/^[零〇一二两三四五六七八九十]{1,3}$/.test(text)) return undefined;
  const ten = text.indexOf('十');
  if (ten === -1) return text.length === 1 ? DIGITS[text] : undefined;
  const tens = ten === 0 ? 1 : DIGITS[text[ten - 1]!];
  const ones = ten === text.length - 1 ? 0 : DIGITS[text[ten + 1]!];
  return tens === undefined || ones === undefined ? undefined : tens * 10 + ones;
}

/** "seconds" in the forms the grammar accepts after a number. */
export const SECONDS = String.raw`\s*(?:seconds?|secs?|s\b|秒钟?)`;
