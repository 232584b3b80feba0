import { describe, expect, it } from 'vitest';
import { ARABIC_STOP_WORDS, stopWordSet } from '../../src/analysis/stopwords.js';
import { normalize } from '../../src/analysis/normalize.js';
import { Analyzer } from '../../src/analysis/pipeline.js';

const stops = stopWordSet();
const analyzer = new Analyzer();
const isStop = (w: string): boolean => stops.has(normalize(w));

describe('stop words', () => {
  it.each(['من', 'ما', 'متى', 'أين', 'اين', 'كيف', 'كم', 'هل', 'لماذا', 'ماذا'])('question word %s is a stop word', (w) => {
    expect(isStop(w)).toBe(true);
  });

  it.each(['في', 'على', 'إلى', 'الى', 'عن', 'هذا', 'هذه', 'التي', 'الذي', 'أن', 'إن', 'كان', 'قد'])('function word %s is a stop word', (w) => {
    expect(isStop(w)).toBe(true);
  });

  it.each(['وفي', 'وهو', 'وهي', 'ومن', 'وقد', 'فإن', 'ولا', 'بأن'])('clitic form %s is a stop word', (w) => {
    expect(isStop(w)).toBe(true);
  });

  it.each(['عدة', 'عام', 'سنة', 'مليون', 'يوم', 'بغداد', 'الإرهاب', 'الطاقة', 'أمن'])('content word %s is not a stop word', (w) => {
    expect(isStop(w)).toBe(false);
  });

  it('matches after normalization: hamza, alef maqsura and diacritics', () => {
    for (const w of ['أين', 'اين', 'أَيْنَ', 'إلى', 'الى', 'إلي', 'على', 'علي', 'هَلْ', 'مَتَى', 'لِمَاذَا']) expect(isStop(w)).toBe(true);
  });

  it('the set holds only normalized entries', () => {
    for (const w of stops) expect(normalize(w)).toBe(w);
    expect(stops.size).toBeGreaterThan(50);
    expect(stops.size).toBeLessThanOrEqual(ARABIC_STOP_WORDS.length);
  });

  it('the analyzer drops stop words unless asked to keep them', () => {
    const text = 'أين تقع بغداد؟ هل هي عاصمة العراق منذ عدة قرون';
    const kept = analyzer.analyze(text).map((t) => t.norm);
    expect(kept).toEqual(['تقع', 'بغداد', 'عاصمه', 'العراق', 'عده', 'قرون']);
    const all = analyzer.analyze(text, true);
    expect(all.filter((t) => t.stop).map((t) => t.norm)).toEqual(['اين', 'هل', 'هي', 'منذ']);
  });

  it('question words alone make an empty analysis', () => {
    expect(analyzer.analyze('من ما متى أين كيف كم هل لماذا')).toEqual([]);
  });
});
