import { describe, expect, it } from 'vitest';
import { createLightStemmer, lightStem, PROTECTED_WORDS } from '../../src/analysis/stem.js';
import { normalize } from '../../src/analysis/normalize.js';

const lightStemOf = createLightStemmer();
const stem = (w: string): string => lightStemOf(normalize(w));

describe('Arabic light stemmer', () => {
  // words with no suffix to remove: only the prefix rule applies
  it.each([
    ['ال article', 'الاستثمار', 'استثمار'],
    ['وال article', 'والتحول', 'تحول'],
    ['بال article', 'بالعراق', 'عراق'],
    ['كال article', 'كالأسد', 'اسد'],
    ['فال article', 'فالأمر', 'امر'],
    ['لل article', 'للعراق', 'عراق'],
    ['وبال article', 'وبالعقد', 'عقد'],
    ['و conjunction', 'وتحقيق', 'تحقيق'],
    ['و conjunction before a name', 'وسوريا', 'سوريا'],
    ['a short word stays whole', 'من', 'من'],
    ['a two-letter word stays whole', 'ال', 'ال'],
  ])('%s: %s → %s', (_d, word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  // [word, its base without the article, the suffix the stemmer must remove]
  it.each([
    ['مشاورات', 'مشاورات', 'ات'],
    ['المشاورات', 'مشاورات', 'ات'],
    ['المستثمرون', 'مستثمرون', 'ون'],
    ['المستشارين', 'مستشارين', 'ين'],
    ['البلدان', 'بلدان', 'ان'],
    ['قواتها', 'قواتها', 'ها'],
    ['المدرسة', 'مدرسه', 'ه'],
    ['الاستراتيجية', 'استراتيجيه', 'يه'],
    ['الأمني', 'امني', 'ي'],
  ])('removes a suffix: %s', (word, base, suffix) => {
    const s = stem(word);
    expect(base.startsWith(s), `${s} is not a prefix of ${base}`).toBe(true);
    expect(s.length).toBeLessThan(base.length);
    expect(s.length).toBeGreaterThanOrEqual(2);
    expect(s.endsWith(suffix)).toBe(false);
  });

  it.each(['بغداد', 'واشنطن', 'وجود', 'وزارة', 'فلسطين', 'لبنان', 'أوبك', 'الله'])('protected word %s stays whole', (w) => {
    expect(stem(w)).toBe(normalize(w));
  });

  it.each([
    ['وبغداد', 'بغداد'],
    ['بواشنطن', 'واشنطن'],
    ['وواشنطن', 'واشنطن'],
    ['والله', 'الله'],
    ['ولبنان', 'لبنان'],
  ])('a proclitic on a protected word is removed: %s → %s', (w, expected) => {
    expect(stem(w)).toBe(normalize(expected));
  });

  it.each([
    ['الإرهاب', 'إرهاب', 'والإرهاب', 'الإرهابِ', 'للإرهاب', 'بالإرهاب'],
    ['السارق', 'والسارق', 'سارق'],
    ['المدرسة', 'مدرسة', 'والمدرسة', 'بالمدرسة'],
    ['الاستثمار', 'للاستثمار', 'والاستثمار', 'استثمار'],
    ['الولايات', 'والولايات'],
    ['العراق', 'للعراق', 'والعراق', 'بالعراق'],
    ['الطاقة', 'الطاقـــة', 'طاقة'],
    ['كبريات', 'کبریات'],
  ])('forms of one word share a stem: %s', (...forms) => {
    const stems = new Set(forms.map(stem));
    expect(stems.size, `${forms.join(' ')} → ${[...stems].join(' ')}`).toBe(1);
  });

  it('never strips an article down to fewer than two letters', () => {
    expect(stem('الي')).toBe('الي');
    expect(stem('وال')).toBe('وال');
    expect(lightStem('الب', new Set())).toBe('الب');
  });

  it('leaves non-Arabic tokens unchanged', () => {
    expect(stem('GE')).toBe('ge');
    expect(stem('2008')).toBe('2008');
    expect(stem('٢٠٠٨')).toBe('2008');
    expect(stem('electric')).toBe('electric');
  });

  it('is a pure function of a normalized word', () => {
    for (const w of ['الاستراتيجية', 'المشاورات', 'بغداد', 'الإرهاب']) expect(stem(w)).toBe(stem(w));
  });

  it('protects every listed word as normalized', () => {
    const set = new Set(PROTECTED_WORDS.map((w) => normalize(w)));
    for (const w of set) expect(lightStem(w, set)).toBe(w);
  });
});
