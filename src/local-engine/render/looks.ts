/** Each look as an ffmpeg filter chain applied to every frame of a clip. */
import type { Look } from '../draft.js';

/** Light letterbox: black bars of 6% at the top and bottom. */
const LETTERBOX =
  'drawbox=x=0:y=0:w=iw:h=ih*0.06:color=black:t=fill,drawbox=x=0:y=ih*0.94:w=iw:h=ih*0.06+1:color=black:t=fill';

export const LOOK_FILTERS: Readonly<Record<Look, string>> = {
  // Teal shadows, warm highlights, a little more contrast, a little less saturation.
  cinematic: [
    "curves=r='0/0 0.25/0.22 0.75/0.8 1/1':g='0/0 0.5/0.5 1/0.96':b='0/0.06 0.25/0.28 0.75/0.7 1/0.9'",
    'eq=contrast=1.08:saturation=0.9',
    LETTERBOX,
  ].join(','),
  // Lower colour temperature reads warmer, higher cooler; keep half the lightness so faces stay bright.
  warm: 'colortemperature=temperature=4300:pl=0.5,eq=saturation=1.06',
  cool: 'colortemperature=temperature=9500:pl=0.5',
  'black and white': 'hue=s=0,eq=contrast=1.12',
  vintage: 'curves=preset=vintage,eq=saturation=0.85,vignette=angle=PI/5',
};
