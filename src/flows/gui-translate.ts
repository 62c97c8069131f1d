/**
 * The backend talks as if the user sat in front of its web editor ("click Export", "open the panel", "drag the
 * clip"). A chat has none of that, so each such sentence is replaced by what the user can do here, and the
 * flow learns what to offer instead: an Export button, or the timeline summary.
 */
import type { Texts } from '../texts.js';

export interface GuiTranslation {
  text: string;
  /** The backend pointed at its Export button: offer ours. */
  offerExport: boolean;
  /** The backend pointed at a panel or the timeline preview: show the timeline summary. */
  showState: boolean;
}

type Kind = 'export' | 'state' | 'drag' | 'click';

// Order matters: "click the Export button" is an export sentence, not a generic click.
const RULES: ReadonlyArray<readonly [Kind, RegExp]> = [
  [
    'export',
    /\bexport button\b|\b(click|press|tap|hit|use)\w*\s+(on\s+)?(the\s+)?["“'‘]?export\b|点击?导出|导出按钮/i,
  ],
  [
    'state',
    /\b(open|check|view|look at)\w*\s+(the\s+)?([\w-]+\s+){0,3}(panel|tab|sidebar|inspector)\b|\bpreview\w*\s+(it\s+)?(in|on)\s+(the\s+)?timeline\b|打开|预览/i,
  ],
  ['drag', /\bdrag\w*|\bdrop it\b|拖拽|拖动/i],
  ['click', /\b(click|double-click|right-click)\w*\b|点击/i],
];

/** Sentences end at . ! ? (and their CJK forms) or a line break. */
function sentences(text: string): string[] {
  // Line breaks come out as their own pieces, so joining the pieces gives back the text.
  return (text.match(/[^.!?。！？\n]*(?:[.!?。！？]+|\n+|$)/g) ?? []).filter(Boolean);
}

export function translateGuiText(text: string, t: Texts): GuiTranslation {
  let offerExport = false;
  let showState = false;
  const used = new Set<Kind>();
  const out: string[] = [];
  for (const sentence of sentences(text)) {
    const kind = RULES.find(([, pattern]) => pattern.test(sentence))?.[0];
    if (!kind) {
      out.push(sentence);
      continue;
    }
    if (kind === 'export') offerExport = true;
    if (kind === 'state') showState = true;
    // One chat-side sentence per kind, however many GUI sentences the backend wrote.
    if (used.has(kind)) continue;
    used.add(kind);
    const replacement = { export: t.guiExport, state: t.guiState, drag: t.guiDrag, click: t.guiClick }[kind];
    // Keep the whitespace around the sentence so neighbours stay separated as the backend wrote them.
    const leading = /^\s*/.exec(sentence)?.[0] ?? '';
    const ending = /\n+$/.exec(sentence)?.[0] ?? '';
    out.push(leading + replacement + ending);
  }
  return {
    text: out
      .join('')
      .replace(/[ \t]+\n/g, '\n')
      .trim(),
    offerExport,
    showState,
  };
}
