import { describe, expect, it } from 'vitest';
import { translateGuiText } from '../../src/flows/gui-translate.js';
import { textsFor } from '../../src/texts.js';

const en = textsFor('en');
const zh = textsFor('zh');

describe('translateGuiText', () => {
  it('turns "click the Export button" into an offer of our Export button', () => {
    const out = translateGuiText(
      'Done! I applied a cinematic look. To download it, click the Export button in the top right corner.',
      en,
    );
    expect(out.offerExport).toBe(true);
    expect(out.showState).toBe(false);
    expect(out.text).toBe(`Done! I applied a cinematic look. ${en.guiExport}`);
    expect(out.text).not.toMatch(/top right|click/i);
  });

  it('handles the Chinese "点击导出"', () => {
    const out = translateGuiText('已完成。请点击导出按钮下载视频。', zh);
    expect(out.offerExport).toBe(true);
    expect(out.text).toBe(`已完成。${zh.guiExport}`);
  });

  it('asks for the timeline summary for "open the panel" and "preview in timeline"', () => {
    for (const sentence of [
      'Open the tracks panel to see it.',
      'You can preview it in the timeline.',
      '打开面板查看。',
    ]) {
      const out = translateGuiText(`Added music. ${sentence}`, en);
      expect(out.showState, sentence).toBe(true);
      expect(out.offerExport).toBe(false);
      expect(out.text).toContain(en.guiState);
    }
  });

  it('replaces drag instructions with chat instructions', () => {
    const out = translateGuiText('Drag the clip to reorder it.', en);
    expect(out.text).toBe(en.guiDrag);
  });

  it('replaces any other click with "tell me in chat", once per kind', () => {
    const out = translateGuiText('Click Apply. Then click Save.', en);
    expect(out.text).toBe(en.guiClick);
  });

  it('leaves ordinary text alone, line breaks included', () => {
    const text = 'I trimmed the clip to 10s.\nIt now starts at the first smile!';
    expect(translateGuiText(text, en)).toEqual({ text, offerExport: false, showState: false });
  });
});
