/**
 * File names that came from outside (a user's upload, a backend's render id) made safe to show in a chat,
 * to send as a multipart `filename` and to write under a folder. A name is reduced to its last path
 * component; control characters and the Unicode controls that reorder how text is displayed are dropped
 * (a right-to-left override makes `clip\u202Egpj.mp4` read as `clip4pm.jpg`); leading and trailing dots and
 * spaces go (no `..`, no hidden file); and it is cut to a length every file system takes, keeping its
 * extension. Nothing is left → the fallback.
 */

/** C0 and C1 controls, DEL, and bidi marks, embeddings, overrides and isolates (U+061C, 200E/F, 202A–E, 2066–9). */
const INVISIBLE_CONTROLS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** A lone UTF-16 surrogate (half of a cut pair) is not text: it cannot be encoded as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Longest name in UTF-8 bytes: under the 255 of ext4, NTFS and APFS, with room for a suffix. */
export const MAX_FILE_NAME_BYTES = 200;
const EXTENSION = /\.[\p{L}\p{N}]{1,10}$/u;
const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

/** Text without control characters or display-reordering marks; every other character is kept. */
export function withoutControls(text: string): string {
  return text.replace(LONE_SURROGATE, '').replace(INVISIBLE_CONTROLS, '');
}

/** Cuts whole code points off the end until the UTF-8 length fits. */
function cutToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let kept = '';
  for (const point of text) {
    bytes += utf8Length(point);
    if (bytes > maxBytes) break;
    kept += point;
  }
  return kept;
}

/**
 * A safe file name for `raw`, or `fallback` (which must itself be safe) when nothing usable is left.
 * Idempotent: a safe name comes back unchanged.
 */
export function safeFileName(raw: string, fallback: string): string {
  const lastComponent = withoutControls(raw).split(/[/\\]/).pop() ?? '';
  const cleaned = lastComponent.replace(/\s+/g, ' ').replace(/^[\s.]+|[\s.]+$/g, '');
  if (cleaned === '') return fallback;
  if (utf8Length(cleaned) <= MAX_FILE_NAME_BYTES) return cleaned;
  const extension = EXTENSION.exec(cleaned)?.[0] ?? '';
  const base = cutToBytes(
    cleaned.slice(0, cleaned.length - extension.length),
    MAX_FILE_NAME_BYTES - utf8Length(extension),
  );
  const name = `${base.replace(/[\s.]+$/, '')}${extension}`.replace(/^[\s.]+/, '');
  return name === '' ? fallback : name;
}
