/**
 * Splits text into pieces of at most `max` UTF-16 units (how Telegram counts), cutting at the last line
 * break in the second half of each window, else at the last space; a word longer than `max` is cut hard, never inside a
 * surrogate pair.
 */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const lineBreak = window.lastIndexOf('\n');
    const space = window.search(/\s\S*$/);
    // A line break is the nicer cut, unless it would leave a short piece.
    let cut = lineBreak >= max / 2 ? lineBreak : space > 0 ? space : lineBreak;
    if (cut <= 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.trim()) pieces.push(rest);
  return pieces.length ? pieces : [text];
}
