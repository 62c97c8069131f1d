/**
 * What an edit message does: which tools the agent "calls", how the draft changes and what it says.
 * Deterministic from the message, so tests can predict the draft after an edit.
 */
import { randomUUID } from 'node:crypto';
import { addBgm, addTitle, appendVisual, setFilter, TRACK, trimTo } from './draft.js';
import type { EmulatedSession } from './types.js';

export interface ToolStep {
  id: string;
  name: string;
  args: Record<string, unknown>;
  response: Record<string, unknown>;
  /** How long the tool "works" (heartbeats flow meanwhile). */
  workMs: number;
  apply(session: EmulatedSession): void;
}

export interface EditPlan {
  generation: boolean;
  thought: string;
  steps: ToolStep[];
  reply: string;
  /** "#stream-error" in the message: the agent fails after its tools ran (ADK `{error}` event). */
  streamError?: string;
  /** "#temporary-issue" in the message: the noise the real backend appends after a successful edit. */
  trailingNoise: boolean;
  /** "#several-parts" in the message: the first call's event also holds a sentence (thought + text + call). */
  leadIn?: string;
}

export interface PlanTiming {
  editDelayMs: number;
  heartbeatMs: number;
}

const GENERATED_CLIP_MS = 5000;
const GUI_HINT = ' To download it, click the Export button in the top right corner.';
export const TEMPORARY_ISSUE_TEXT = 'I encountered a temporary issue. Please try again later.';

const MUSIC = /\b(bgm|music|soundtrack|song)\b/i;
const TITLE = /\b(title|text|caption|subtitle)s?\b/i;
const TRIM = /\b(trim|cut|shorten)\b/i;
const LOOK = /\b(cinematic|colou?r|look|filter|grade)\b/i;
const VISUAL_NOUN = /\b(video|clip|scene|shot|footage|animation)s?\b/i;

/** "generate …" (unless it is only music), "create a video …", "turn these images into …". */
export function isGenerationPrompt(message: string): boolean {
  if (
    /\bturn\b.*\binto\b/i.test(message) ||
    /\b(create|make)\s+(a|an|me a)\s+(new\s+)?video\b/i.test(message)
  )
    return true;
  return /\bgenerate\b/i.test(message) && !(MUSIC.test(message) && !VISUAL_NOUN.test(message));
}

function quotedText(message: string): string | undefined {
  return /["“]([^"”]{1,80})["”]/.exec(message)?.[1];
}

function trimTargetMs(message: string, currentMs: number): number {
  const seconds = /(\d+(?:\.\d+)?)\s*(?:s|secs?|seconds?)\b/i.exec(message)?.[1];
  if (seconds) return Math.max(1000, Math.round(Number(seconds) * 1000));
  return Math.max(1000, Math.round(currentMs / 2000) * 1000);
}

function listing(parts: string[]): string {
  return parts.length < 2 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * @param registerClip makes a generated clip servable and returns its URL (called when the tool runs).
 */
export function planEdit(
  message: string,
  session: EmulatedSession,
  timing: PlanTiming,
  registerClip: (id: string) => string,
): EditPlan {
  const normalMs = timing.editDelayMs * 3;
  const steps: ToolStep[] = [];
  const done: string[] = [];
  const declined: string[] = [];
  const hasVideo = session.draft.t.some((tr) => tr.tt === TRACK.video && tr.sg.length > 0);
  const step = (name: string, args: Record<string, unknown>, apply: ToolStep['apply'], workMs = normalMs) =>
    steps.push({ id: `adk-${randomUUID()}`, name, args, response: { status: 'success' }, workMs, apply });

  const generation = isGenerationPrompt(message);
  if (generation) {
    const clipId = `gen_${randomUUID().slice(0, 8)}`;
    const prompt = message.trim().slice(0, 200);
    step(
      'generate_video_with_seedance',
      { prompt, duration: GENERATED_CLIP_MS / 1000, resolution: '1080p' },
      (s) => {
        s.generatedMedia.push({ id: clipId, type: 'video', url: registerClip(clipId), prompt, duration: 5 });
      },
      normalMs + timing.heartbeatMs * 6,
    );
    step('edit_multitrack', { action: 'add_segment', track: 'video', media_id: clipId }, (s) => {
      const url = s.generatedMedia.find((m) => m.id === clipId)?.url;
      appendVisual(s.draft, `Generated: ${prompt.slice(0, 40)}`, GENERATED_CLIP_MS, { gen: true, src: url });
    });
    done.push('generated a 5-second clip from your prompt and put it on the timeline');
  }
  if (MUSIC.test(message)) {
    step('generate_music', { prompt: 'lo-fi background music', volume: 0.35 }, (s) =>
      addBgm(s.draft, 'Lo-fi', 0.35),
    );
    done.push('added background music "Lo-fi" at 35% volume');
  }
  if (TITLE.test(message)) {
    const text = quotedText(message) ?? 'My Video';
    step('edit_multitrack', { action: 'add_text', text, start_ms: 0, end_ms: 3000 }, (s) =>
      addTitle(s.draft, text),
    );
    done.push(`added the title "${text}" (0-3s)`);
  }
  if (TRIM.test(message)) {
    if (hasVideo || generation) {
      const target = trimTargetMs(message, session.draft.d || GENERATED_CLIP_MS);
      step('edit_multitrack', { action: 'trim', end_ms: target }, (s) => trimTo(s.draft, target));
      done.push(`trimmed the timeline to ${target / 1000}s`);
    } else declined.push('there is no clip to trim yet: upload one first');
  }
  if (LOOK.test(message)) {
    if (hasVideo || generation) {
      step('edit_multitrack', { action: 'apply_filter', filter: 'cinematic' }, (s) =>
        setFilter(s.draft, 'cinematic'),
      );
      done.push('applied a cinematic color look');
    } else declined.push('there is no clip to color yet: upload one first');
  }

  let reply = done.length
    ? `Done! I ${listing(done)}.`
    : 'I can trim clips, add music or titles, change the look, or generate new clips. What would you like?';
  if (declined.length) reply += ` Note: ${listing(declined)}.`;
  if (/\bGUI\b/.test(message)) reply += GUI_HINT;
  return {
    generation,
    thought: `The user wrote: "${message.slice(0, 120)}". Tools to use: ${steps.map((s) => s.name).join(', ') || 'none'}.`,
    steps,
    reply,
    streamError: message.includes('#stream-error') ? 'Agent failed while editing (simulated)' : undefined,
    trailingNoise: message.includes('#temporary-issue'),
    ...(message.includes('#several-parts') &&
      steps.length > 0 && { leadIn: 'On it: starting with the first change.' }),
  };
}

/** Text split into a few partial chunks, on word boundaries, as a streaming model emits it. */
export function chunkText(text: string, chunks = 4): string[] {
  const words = text.split(/(?<=\s)/);
  const size = Math.max(1, Math.ceil(words.length / chunks));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}
