/**
 * Splits text into pieces of at most `max` characters, preferring a line break, then a space, so
 * words and lines stay whole. (discord.js v14 dropped its `splitMessage` helper.)
 */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const lineBreak = window.lastIndexOf('\n');
    const space = window.lastIndexOf(' ');
    // Only a break in the second half is worth it; otherwise cut hard and keep pieces full.
    const at = lineBreak > max / 2 ? lineBreak : space > max / 2 ? space : max;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at === lineBreak || at === space ? at + 1 : at);
  }
  pieces.push(rest);
  return pieces;
}
