import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/analysis/tokenize.js';

const surfaces = (text: string): string[] => tokenize(text).map((t) => t.surface);

/** Every token slices back out of the original text, in order, without overlap. */
function expectWellFormed(text: string): void {
  const tokens = tokenize(text);
  let last = 0;
  for (const t of tokens) {
    expect(t.start).toBeGreaterThanOrEqual(last);
    expect(t.end).toBeGreaterThan(t.start);
    expect(t.end).toBeLessThanOrEqual(text.length);
    expect(text.slice(t.start, t.end)).toBe(t.surface);
    last = t.end;
  }
}

describe('tokenize', () => {
  it.each([
    ['Arabic comma ،', 'بغداد،واشنطن', ['بغداد', 'واشنطن']],
    ['Arabic semicolon ؛', 'الأمن؛الطاقة', ['الأمن', 'الطاقة']],
    ['Arabic question mark ؟', 'أين؟متى؟', ['أين', 'متى']],
    ['guillemets « »', '«داعش»', ['داعش']],
    ['ASCII quotes', 'شركة "جنرال إلكتريك"', ['شركة', 'جنرال', 'إلكتريك']],
    ['slash', 'سبتمبر/أيلول', ['سبتمبر', 'أيلول']],
    ['hyphen and colon', 'بغداد - دشن: العراق', ['بغداد', 'دشن', 'العراق']],
    ['period, exclamation, parentheses, brackets', 'أ.ب!(ج)[د]{هـ}', ['أ', 'ب', 'ج', 'د', 'هـ']],
    ['tabs, newlines and no-break spaces', 'الأمن\tالطاقة\nالعراق\u00a0بغداد\r\nواشنطن', ['الأمن', 'الطاقة', 'العراق', 'بغداد', 'واشنطن']],
    ['Arabic full stop ۔ and percent ٪', 'النمو٪ ۔ التضخم', ['النمو', 'التضخم']],
    ['underscore and ampersand', 'a_b&c', ['a', 'b', 'c']],
    ['emoji between words', 'سلام🌙عليكم', ['سلام', 'عليكم']],
    ['mixed Arabic, Latin and numbers', 'شركة GE عام 2008 و٢٠٠٨', ['شركة', 'GE', 'عام', '2008', 'و٢٠٠٨']],
    ['Arabic-Indic digits alone', 'عام ٢٠٢٤', ['عام', '٢٠٢٤']],
    ['extended digits', '۱۴۰۲', ['۱۴۰۲']],
    ['only punctuation and spaces', ' ، ؛ ؟ « » . - ', []],
    ['empty', '', []],
  ] as [string, string, string[]][])('splits on %s', (_d, text, expected) => {
    expect(surfaces(text)).toEqual(expected);
    expectWellFormed(text);
  });

  it('keeps harakat, shadda, tatweel and invisible controls inside the word', () => {
    const text = 'دشَّن الطاقـــة الأ\u200bمن \u202bبغداد\u202c';
    expect(surfaces(text)).toEqual(['دشَّن', 'الطاقـــة', 'الأ\u200bمن', '\u202bبغداد\u202c']);
    expectWellFormed(text);
  });

  it('gives offsets into the original text, diacritics included', () => {
    const text = 'وعُقدت المباحثات في بغداد يوم الخميس، وشارك فيها مسؤولون أميركيون';
    const tokens = tokenize(text);
    expect(tokens[0]).toEqual({ surface: 'وعُقدت', start: 0, end: 6 });
    const baghdad = tokens.find((t) => t.surface === 'بغداد')!;
    expect(text.slice(baghdad.start, baghdad.end)).toBe('بغداد');
    const thursday = tokens.find((t) => t.surface === 'الخميس')!;
    expect(text[thursday.end]).toBe('،');
    expectWellFormed(text);
  });

  it('tokenizes a seed paragraph into ordered, non-overlapping words', () => {
    const text =
      'وتأتي هذه المباحثات في خضم ترتيبات لإنهاء مهام التحالف الدولي في العراق ضد "داعش"، والتحول إلى علاقات أمنية ثنائية، خاصة بعد الاتفاق في سبتمبر/أيلول 2024 على تحديد جدول زمني لانسحاب كامل للقوات الأميركية من البلاد.';
    const s = surfaces(text);
    expect(s).toContain('داعش');
    expect(s).toContain('2024');
    expect(s).toContain('سبتمبر');
    expect(s).toContain('أيلول');
    expect(s.every((w) => !/[\s،؛؟«»".,/]/.test(w))).toBe(true);
    expect(s.length).toBe(36);
    expectWellFormed(text);
  });

  it('counts UTF-16 offsets across astral characters', () => {
    const text = '𝐀 بغداد';
    const t = tokenize(text);
    expect(t.map((x) => x.surface)).toEqual(['𝐀', 'بغداد']);
    expect(t[1].start).toBe(3);
    expectWellFormed(text);
  });
});
