/**
 * The font drawtext uses. DejaVu Sans (Debian's fonts-dejavu-core, which ffmpeg's own dependencies pull
 * in; scripts/test.sh and the Dockerfile install it explicitly) covers Latin, Greek and Cyrillic; Chinese
 * text needs a CJK font, used when one is installed (fonts-noto-cjk or fonts-wqy-*).
 * The engine's `fontOverride` option replaces both.
 */
import { existsSync } from 'node:fs';

const LATIN = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf',
];
const CJK = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
];

export class FontMissingError extends Error {
  override name = 'FontMissingError';
}

export function fontFor(text: string, override?: string): string {
  if (override) return override;
  const candidates = /\p{Script=Han}/u.test(text) ? [...CJK, ...LATIN] : LATIN;
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new FontMissingError('no font for drawtext: install fonts-dejavu-core');
  return found;
}
