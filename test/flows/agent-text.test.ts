/** AgentText on the event orders real ADK servers send (see test/conformance for the servers themselves). */
import { describe, expect, it } from 'vitest';
import { AgentText } from '../../src/flows/agent-text.js';

type Step = ['chunk' | 'final', string] | ['tool'];

/** Feeds the steps; what a tool call flushes and what is left at the end, in order. */
function shown(steps: Step[]): string[] {
  const text = new AgentText();
  const out: string[] = [];
  for (const step of steps) {
    if (step[0] === 'chunk') text.addChunk(step[1]);
    else if (step[0] === 'final') text.addFinal(step[1]);
    else out.push(...text.takeBeforeTool());
  }
  return [...out, ...text.takeAll()];
}

describe('AgentText', () => {
  it('streaming: chunks then the whole text once more give one message', () => {
    expect(
      shown([
        ['chunk', 'Added a warm '],
        ['chunk', 'color grade.'],
        ['final', 'Added a warm color grade.'],
      ]),
    ).toEqual(['Added a warm color grade.']);
  });

  it('progressive streaming: chunks gathered across a tool call, then one final event with a part per side', () => {
    expect(
      shown([
        ['chunk', 'First the warm '],
        ['chunk', 'grade. '],
        ['tool'],
        ['chunk', 'Then the music.'],
        // The final event: text, the call again, text.
        ['final', 'First the warm grade. '],
        ['tool'],
        ['final', 'Then the music.'],
      ]),
    ).toEqual(['First the warm grade. ', 'Then the music.']);
  });

  it('progressive streaming without a tool call: the final part repeats the chunks', () => {
    expect(
      shown([
        ['chunk', 'All '],
        ['chunk', 'done.'],
        ['final', 'All done.'],
      ]),
    ).toEqual(['All done.']);
  });

  it('non-streaming: finals only, each shown', () => {
    expect(shown([['final', 'First the warm grade. '], ['tool'], ['final', 'Then the music.']])).toEqual([
      'First the warm grade. ',
      'Then the music.',
    ]);
  });

  it('a final that is not the chunks’ text replaces them (never both)', () => {
    expect(
      shown([
        ['chunk', 'Draft wording'],
        ['final', 'Final wording.'],
      ]),
    ).toEqual(['Final wording.']);
  });

  it('chunks shown before a tool and completed by a longer final show only the rest', () => {
    expect(
      shown([['chunk', 'Working on '], ['tool'], ['chunk', 'it.'], ['final', 'Working on it.']]),
    ).toEqual(['Working on ', 'it.']);
  });

  it('chunks a stream left without their final still count', () => {
    expect(
      shown([
        ['chunk', 'Added a warm '],
        ['chunk', 'color grade to'],
      ]),
    ).toEqual(['Added a warm color grade to']);
  });

  it('drops the backend’s trailing "temporary issue" noise after real work only', () => {
    const noise = 'I encountered a temporary issue. Please try again later.';
    expect(
      shown([
        ['final', 'Done.'],
        ['final', noise],
      ]),
    ).toEqual(['Done.']);
    expect(shown([['final', noise]])).toEqual([noise]);
  });
});
