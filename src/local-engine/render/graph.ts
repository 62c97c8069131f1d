/**
 * Turns a timeline into one ffmpeg command: one input per clip (seeked with -ss/-t), one filter graph
 * (per-clip fit, speed, look and Ken Burns; xfade/acrossfade or concat to join; text, logo, smoothing on
 * the joined picture; music mixed under the clips' sound; loudness last), H.264/AAC MP4 out.
 * Pure: it builds arguments and the small text files drawtext reads; running them is ffmpeg-process.ts's job.
 */
import { join } from 'node:path';
import {
  type EngineDraft,
  music,
  overlapMs,
  overlays,
  playedMs,
  type TextSegment,
  type TransitionKind,
  texts,
  type VisualSegment,
  visuals,
} from '../draft.js';
import { BUILTIN_PAD } from '../edit/editor.js';
import type { MediaFile } from '../sessions.js';
import { fontFor } from './fonts.js';
import { LOOK_FILTERS } from './looks.js';

export const FPS = 30;
const SMOOTH_FPS = 60;
const AUDIO_FORMAT = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
const XFADE: Readonly<Record<TransitionKind, string>> = {
  fade: 'fade',
  wipe: 'wipeleft',
  slide: 'slideleft',
};
const CRF: Readonly<Record<string, number>> = { high: 20, medium: 23, low: 28 };

export class RenderInputError extends Error {
  override name = 'RenderInputError';
}

export interface RenderCommandOptions {
  draft: EngineDraft;
  /** The session's file for a draft `src`, or undefined when there is none. */
  file(id: string): MediaFile | undefined;
  outputPath: string;
  /** Where the text files drawtext reads are written. */
  workDir: string;
  quality: string;
  preset: string;
  fontOverride?: string;
}

export interface RenderCommand {
  args: string[];
  durationMs: number;
  /** Files to write before running: drawtext reads the text from a file, which needs no escaping. */
  files: Array<{ path: string; content: string }>;
}

const sec = (ms: number) => (ms / 1000).toFixed(3);
/** A filter option value in single quotes (filtergraph level-1 quoting). */
const quote = (value: string) => `'${value.replace(/'/g, String.raw`'\''`)}'`;

/** atempo takes 0.5..2 per instance in ffmpeg 5.1's documented range: chain instances for the rest. */
function atempo(factor: number): string[] {
  const chain: string[] = [];
  let rest = factor;
  while (rest > 2) {
    chain.push('atempo=2');
    rest /= 2;
  }
  while (rest < 0.5) {
    chain.push('atempo=0.5');
    rest /= 0.5;
  }
  if (Math.abs(rest - 1) > 1e-6) chain.push(`atempo=${rest.toFixed(4)}`);
  return chain;
}

function fitFilter(draft: EngineDraft): string {
  const { width: w, height: h, fit: mode } = draft.m;
  return mode === 'pad'
    ? `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black`
    : `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`;
}

function textY(position: TextSegment['pos']): string {
  if (position === 'top') return 'h*0.08';
  if (position === 'bottom') return 'h*0.88-text_h';
  return '(h-text_h)/2';
}

export function buildRenderCommand(o: RenderCommandOptions): RenderCommand {
  const { draft } = o;
  const clips = visuals(draft);
  if (clips.length === 0) throw new RenderInputError('the timeline has no clips or images');
  const { width: W, height: H } = draft.m;
  const durationMs = draft.d;
  const inputs: string[] = [];
  const graph: string[] = [];
  const files: RenderCommand['files'] = [];
  let inputCount = 0;
  const addInput = (...args: string[]) => {
    inputs.push(...args);
    return inputCount++;
  };
  const need = (id: string, kind?: MediaFile['kind']): MediaFile => {
    const file = o.file(id);
    if (!file || (kind && file.kind !== kind)) throw new RenderInputError(`unknown media ${id}`);
    return file;
  };

  clips.forEach((clip, k) => {
    const lengthMs = playedMs(clip);
    const file = need(clip.src);
    const look = clip.filter ? `,${LOOK_FILTERS[clip.filter]}` : '';
    const exact = `,tpad=stop_mode=clone:stop_duration=1,trim=duration=${sec(lengthMs)},setpts=PTS-STARTPTS`;
    if (clip.img || file.kind === 'image') {
      const index = addInput(
        '-loop',
        '1',
        '-framerate',
        String(FPS),
        '-t',
        sec(lengthMs + 1000),
        '-i',
        file.path,
      );
      graph.push(
        `[${index}:v]${fitFilter(draft)},${kenBurns(clip, lengthMs, W, H)},fps=${FPS},format=yuv420p,setsar=1${look}${exact}[v${k}]`,
      );
      graph.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${sec(lengthMs)}[a${k}]`);
      return;
    }
    if (file.kind !== 'video') throw new RenderInputError(`${file.name} is not a video`);
    const index = addInput('-ss', sec(clip.i), '-t', sec(clip.o - clip.i), '-i', file.path);
    const speed = clip.sp === 1 ? '' : `,setpts=PTS/${clip.sp}`;
    graph.push(
      `[${index}:v]setpts=PTS-STARTPTS${speed},${fitFilter(draft)},fps=${FPS},format=yuv420p,setsar=1${look}${exact}[v${k}]`,
    );
    if (file.hasAudio && !draft.m.mute) {
      const tempo = atempo(clip.sp);
      graph.push(
        `[${index}:a]asetpts=PTS-STARTPTS${tempo.length ? `,${tempo.join(',')}` : ''},${AUDIO_FORMAT},apad,atrim=duration=${sec(lengthMs)},asetpts=PTS-STARTPTS[a${k}]`,
      );
    } else {
      graph.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${sec(lengthMs)}[a${k}]`);
    }
  });

  joinClips(draft, clips, graph);

  // The joined picture: smoothing, then texts and the logo (drawn after interpolation so they stay crisp).
  let video = 'vj';
  const step = (filter: string) => {
    const next = `vp${graph.length}`;
    graph.push(`[${video}]${filter}[${next}]`);
    video = next;
  };
  if (draft.m.smooth) step(`minterpolate=fps=${SMOOTH_FPS}:mi_mode=mci:mc_mode=aobmc:me_mode=bidir`);
  texts(draft).forEach((text, n) => {
    if (text.e <= text.s) return;
    const path = join(o.workDir, `text-${n}.txt`);
    files.push({ path, content: text.txt });
    const size = Math.round(H * text.sz);
    step(
      [
        `drawtext=fontfile=${quote(fontFor(text.txt, o.fontOverride))}`,
        `textfile=${quote(path)}`,
        `fontsize=${size}`,
        `fontcolor=${text.c}`,
        'x=(w-text_w)/2',
        `y=${textY(text.pos)}`,
        ...(text.box ? ['box=1', 'boxcolor=black@0.45', `boxborderw=${Math.round(size * 0.3)}`] : []),
        'borderw=2',
        'bordercolor=black@0.6',
        `enable=${quote(`between(t,${sec(text.s)},${sec(text.e)})`)}`,
      ].join(':'),
    );
  });
  for (const logo of overlays(draft)) {
    if (logo.e <= logo.s) continue;
    const file = need(logo.src, 'image');
    const index = addInput(
      '-loop',
      '1',
      '-framerate',
      String(FPS),
      '-t',
      sec(durationMs + 1000),
      '-i',
      file.path,
    );
    const logoWidth = Math.round((Math.min(W, H) * 0.5) / 2) * 2;
    graph.push(`[${index}:v]scale=${logoWidth}:-2,format=rgba[logo${index}]`);
    const next = `vp${graph.length}`;
    graph.push(
      `[${video}][logo${index}]overlay=(W-w)/2:(H-h)/2:enable=${quote(`between(t,${sec(logo.s)},${sec(logo.e)})`)}[${next}]`,
    );
    video = next;
  }
  graph.push(`[${video}]format=yuv420p[vout]`);

  // Sound: the clips' own (silence when muted), music under it, loudness last.
  let audio = 'aj';
  const bed = music(draft)[0];
  if (bed) {
    let source: string;
    if (bed.src === BUILTIN_PAD) {
      source = `${softPad(durationMs)},${AUDIO_FORMAT}`;
    } else {
      const index = addInput('-stream_loop', '-1', '-i', need(bed.src, 'audio').path);
      source = `[${index}:a]${AUDIO_FORMAT}`;
    }
    const fades = [
      bed.fi > 0 ? `,afade=t=in:st=0:d=${sec(bed.fi)}` : '',
      bed.fo > 0 ? `,afade=t=out:st=${sec(Math.max(0, durationMs - bed.fo))}:d=${sec(bed.fo)}` : '',
    ].join('');
    graph.push(
      `${source},atrim=duration=${sec(durationMs)},asetpts=PTS-STARTPTS,volume=${bed.v.toFixed(3)}${fades}[bgm]`,
    );
    graph.push(`[aj][bgm]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[amixed]`);
    audio = 'amixed';
  }
  graph.push(
    `[${audio}]${draft.m.norm ? 'loudnorm=I=-16:TP=-1.5:LRA=11,' : ''}aresample=48000,${AUDIO_FORMAT}[aout]`,
  );

  const crf = CRF[o.quality] ?? CRF.high!;
  const args = [
    ...['-hide_banner', '-nostdin', '-y', '-v', 'error'],
    ...inputs,
    ...['-filter_complex', graph.join(';')],
    ...['-map', '[vout]', '-map', '[aout]'],
    ...['-c:v', 'libx264', '-preset', o.preset, '-crf', String(crf), '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '160k'],
    ...['-t', sec(durationMs), '-movflags', '+faststart'],
    ...['-progress', 'pipe:1', '-nostats', '-stats_period', '0.5'],
    o.outputPath,
  ];
  return { args, durationMs, files };
}

/** Concatenates the clips, or chains xfade/acrossfade when the timeline has transitions. */
function joinClips(draft: EngineDraft, clips: VisualSegment[], graph: string[]): void {
  if (clips.length === 1) {
    graph.push('[v0]null[vj]', '[a0]anull[aj]');
    return;
  }
  const overlaps = clips.slice(1).map((clip, k) => overlapMs(draft, clips[k]!, clip));
  const transition = draft.m.tr;
  if (!transition || overlaps.some((ms) => ms < 40)) {
    const pads = clips.map((_, k) => `[v${k}][a${k}]`).join('');
    graph.push(`${pads}concat=n=${clips.length}:v=1:a=1[vj][aj]`);
    return;
  }
  let video = 'v0';
  let audio = 'a0';
  clips.slice(1).forEach((clip, n) => {
    const k = n + 1;
    const last = k === clips.length - 1;
    const nextVideo = last ? 'vj' : `vx${k}`;
    const nextAudio = last ? 'aj' : `ax${k}`;
    graph.push(
      `[${video}][v${k}]xfade=transition=${XFADE[transition.k]}:duration=${sec(overlaps[n]!)}:offset=${sec(clip.s)}[${nextVideo}]`,
      `[${audio}][a${k}]acrossfade=d=${sec(overlaps[n]!)}:c1=tri:c2=tri[${nextAudio}]`,
    );
    video = nextVideo;
    audio = nextAudio;
  });
}

/** Slow zoom in (kb 1) or out (kb -1) across the image's time on screen. */
function kenBurns(clip: VisualSegment, lengthMs: number, width: number, height: number): string {
  const frames = Math.max(1, Math.round((lengthMs / 1000) * FPS));
  const zoom = clip.kb === -1 ? `1.12-0.12*on/${frames}` : `1+0.12*on/${frames}`;
  return `zoompan=z='${zoom}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=${width}x${height}:fps=${FPS}`;
}

/** The built-in music bed: an A-major chord with a slow swell, for promos with no uploaded audio. */
function softPad(durationMs: number): string {
  const tone = (hz: number, gain: number) => `${gain}*sin(2*PI*${hz}*t)`;
  const chord = [tone(220, 0.12), tone(277.18, 0.09), tone(329.63, 0.09), tone(440, 0.05)].join('+');
  return `aevalsrc='(${chord})*(0.75+0.25*sin(2*PI*0.2*t))':s=48000:d=${sec(durationMs + 500)}`;
}
