import { describe, expect, it } from 'vitest';
import { formatBytes, formatElapsed, languageOf, sessionLanguage, textsFor } from '../../src/texts.js';

describe('language', () => {
  it('follows the platform language, zh* meaning Chinese', () => {
    expect(languageOf({ language: 'zh-CN', text: 'export' })).toBe('zh');
    expect(languageOf({ language: 'zh-Hant', text: '' })).toBe('zh');
    expect(languageOf({ language: 'en-US', text: '导出' })).toBe('en');
    expect(languageOf({ language: 'zhx', text: '' })).toBe('en');
  });

  it('guesses from the text when the platform says nothing', () => {
    expect(languageOf({ text: '导出视频' })).toBe('zh');
    expect(languageOf({ text: 'export' })).toBe('en');
    expect(sessionLanguage({ text: '状态' })).toBe('zh-CN');
    expect(sessionLanguage({ language: 'de', text: 'x' })).toBe('de');
  });

  it('has every text in both languages', () => {
    const keys = (lang: 'en' | 'zh') => Object.keys(textsFor(lang)).sort();
    expect(keys('zh')).toEqual(keys('en'));
    expect(textsFor('zh').queued(2)).toBe('已排队——前面还有 2 个任务。');
    expect(textsFor('en').queued(1)).toBe('Queued — 1 job ahead of yours.');
    expect(textsFor('en').queued(3)).toBe('Queued — 3 jobs ahead of yours.');
  });
});

describe('formatting', () => {
  it('sizes and elapsed times', () => {
    expect(formatBytes(500 * 1024 * 1024)).toBe('500 MB');
    expect(formatBytes(2 * 1024 * 1024 * 1024)).toBe('2 GB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatElapsed(45_000, 'en')).toBe('45 s');
    expect(formatElapsed(125_000, 'en')).toBe('2 min');
    expect(formatElapsed(125_000, 'zh')).toBe('2 分钟');
  });
});
