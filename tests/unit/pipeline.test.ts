import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Analyzer, ANALYZER_VERSION } from '../../src/analysis/pipeline.js';
import { normalize } from '../../src/analysis/normalize.js';
import { tokenize } from '../../src/analysis/tokenize.js';

const analyzer = new Analyzer();
const SEED = readFileSync(new URL('../../seeds/000_007ff8f57a8682c6.txt', import.meta.url), 'utf8');
const [SEED_TITLE, ...SEED_BODY] = SEED.split('\n');
const SEED_TEXT = SEED_BODY.join('\n');

describe('analysis pipeline', () => {
  it('analyzes a seed sentence: normalized forms, stems, offsets into the original', () => {
    const text = 'بغداد - دشَّن العراق والولايات المتحدة مشاورات رفيعة المستوى لتعزيز التعاون الأمني ومكافحة الإرهاب';
    const tokens = analyzer.analyze(text);
    expect(tokens.map((t) => t.norm)).toEqual([
      'بغداد',
      'دشن',
      'العراق',
      'والولايات',
      'المتحده',
      'مشاورات',
      'رفيعه',
      'المستوي',
      'لتعزيز',
      'التعاون',
      'الامني',
      'ومكافحه',
      'الارهاب',
    ]);
    for (const t of tokens) expect(normalize(text.slice(t.start, t.end))).toBe(t.norm);
    const dashshana = tokens[1];
    expect(text.slice(dashshana.start, dashshana.end)).toBe('دشَّن');
    // stems: article and clitic removed, protected names whole
    const byNorm = new Map(tokens.map((t) => [t.norm, t.stem]));
    expect(byNorm.get('بغداد')).toBe('بغداد');
    expect(byNorm.get('الارهاب')).toBe('ارهاب');
    expect(byNorm.get('العراق')).toBe('عراق');
    expect(byNorm.get('والولايات')).toBe(byNorm.get('الولايات') ?? analyzer.analyze('الولايات')[0].stem);
  });

  it('counts positions with stop words and drops the stop words themselves', () => {
    const text = 'وعُقدت المباحثات في بغداد يوم الخميس';
    const all = analyzer.analyze(text, true);
    expect(all.map((t) => t.position)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(all.map((t) => t.stop)).toEqual([false, false, true, false, false, false]);
    const content = analyzer.analyze(text);
    expect(content.map((t) => t.position)).toEqual([0, 1, 3, 4, 5]);
    expect(content.every((t) => !t.stop)).toBe(true);
  });

  it('expands a ligature into several words on one span', () => {
    const text = 'قال ﷺ';
    const tokens = analyzer.analyze(text, true);
    const lig = tokens.filter((t) => t.start === 4);
    expect(lig.map((t) => t.norm)).toEqual(['صلي', 'الله', 'عليه', 'وسلم']);
    expect(lig.every((t) => t.end === 5)).toBe(true);
    const positions = tokens.map((t) => t.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('one word written many ways gives one term', () => {
    const forms = ['الإرهاب', 'الارهاب', 'الإرهابِ', 'الإرهـــاب', 'والإرهاب', 'للإرهاب'];
    const terms = new Set(forms.map((f) => analyzer.analyze(f)[0].stem));
    expect(terms.size).toBe(1);
  });

  it('keeps Latin words and numbers of mixed text', () => {
    const tokens = analyzer.analyze('عقد مع GE عام 2008 و٢٠٠٨');
    const norms = tokens.map((t) => t.norm);
    expect(norms).toContain('ge');
    expect(norms).toContain('2008');
    expect(norms).toContain('و2008');
  });

  it('marks, tatweel and invisible controls alone make no token', () => {
    expect(analyzer.analyze('ـــ ً \u200b \u202b\u202c')).toEqual([]);
    expect(analyzer.analyze('')).toEqual([]);
  });

  it('analyzes the whole seed: offsets ordered and inside the text', () => {
    for (const text of [SEED_TITLE, SEED_TEXT]) {
      const tokens = analyzer.analyze(text, true);
      expect(tokens.length).toBeGreaterThan(5);
      const raw = tokenize(text);
      const rawSpans = new Set(raw.map((t) => `${t.start}:${t.end}`));
      let lastStart = 0;
      let lastPos = -1;
      for (const t of tokens) {
        expect(rawSpans.has(`${t.start}:${t.end}`)).toBe(true);
        expect(t.start).toBeGreaterThanOrEqual(lastStart);
        expect(t.position).toBeGreaterThan(lastPos);
        lastStart = t.start;
        lastPos = t.position;
      }
    }
  });

  it('has a stable fingerprint that names the analyzer version', () => {
    const a = new Analyzer().fingerprint();
    expect(new Analyzer().fingerprint()).toBe(a);
    expect(JSON.parse(a).v).toBe(ANALYZER_VERSION);
  });

  it('memoizes forms without changing results', () => {
    const a = new Analyzer();
    const first = a.analyze(SEED_TEXT);
    const second = a.analyze(SEED_TEXT);
    expect(second).toEqual(first);
  });
});
