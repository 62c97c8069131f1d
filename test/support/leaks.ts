/** What must never reach a user: a token, or raw JSON from the backend. */

// A claim token is shown on purpose only inside the claim link that /account gives (`…/claim?ct=clm_…`).
const TOKEN_SHAPES = [/nmv_usr_\w+/, /(?<!\?ct=)\bclm_\w{6,}/, /\bBearer\s+\S+/i];

/** Text that is a JSON object/array, or holds a JSON object (`{"`). */
export function looksLikeRawJson(text: string): boolean {
  if (text.includes('{"')) return true;
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return false;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}

/** One line per offending text, naming what is wrong; empty when all are clean. */
export function findLeaks(texts: readonly string[], secrets: readonly string[] = []): string[] {
  const leaks: string[] = [];
  for (const text of texts) {
    const secret = secrets.find((s) => s && text.includes(s));
    if (secret) leaks.push(`token shown: ${text.slice(0, 80)}`);
    else if (TOKEN_SHAPES.some((shape) => shape.test(text)))
      leaks.push(`token-shaped text shown: ${text.slice(0, 80)}`);
    if (looksLikeRawJson(text)) leaks.push(`raw JSON shown: ${text.slice(0, 80)}`);
  }
  return leaks;
}
