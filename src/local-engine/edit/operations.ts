/** What one instruction asks for: the grammar's output and the editor's input. */
import type { Look, TextPosition, TransitionKind } from '../draft.js';

export type AspectRatio = '16:9' | '9:16' | '1:1';

export type Operation =
  | { op: 'keep'; fromMs: number; toMs: number }
  | { op: 'keep-last'; ms: number }
  | { op: 'cut'; fromMs: number; toMs: number }
  | { op: 'remove-pauses'; thresholdDb: number; minPauseMs: number }
  | { op: 'speed'; factor: number }
  | { op: 'transition'; kind: TransitionKind; ms: number }
  | { op: 'aspect'; ratio: AspectRatio; fit: 'crop' | 'pad' }
  | {
      op: 'text';
      kind: 'title' | 'caption' | 'cta';
      text: string;
      position: TextPosition;
      atMs: number;
      lenMs: number;
      atEnd: boolean;
      color: string;
      size: number;
    }
  | { op: 'remove-text' }
  | { op: 'music'; volume?: number; fadeInMs?: number; fadeOutMs?: number }
  | { op: 'remove-music' }
  | { op: 'mute' }
  | { op: 'normalize' }
  | { op: 'look'; look: Look | undefined }
  | { op: 'smooth' }
  | { op: 'promo'; seconds: number; withMusic: boolean };

export type OperationName = Operation['op'];

/** The grammar's verdict on one message. */
export type Understood =
  | { kind: 'edit'; operations: Operation[] }
  /** Text-to-video and other generation: only the cloud engine has the models. */
  | { kind: 'needs-cloud' }
  | { kind: 'help' }
  | { kind: 'unknown' };
