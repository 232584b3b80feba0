import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { Growable } from '../../src/common/growable.js';
import { matcherFor } from '../../src/search/highlight.js';
import { parseQuery } from '../../src/search/query.js';

const texts = [
  'وقال وزير الطاقة إن السوق السعودية مستقرة، وإن أسعار النفط ستبقى في حدودها.',
  'صلى الله عليه وسلم ﷺ قال: الطاقةُ والطاقاتُ والمتطاقة… ١٢٣ 𝐀𝐁 الطاقة',
  'للمعلمين والمعلمات: بدأ العام الدراسي في المدارس، والمعلمون في مدارسهم.',
  '   ',
];
const queries = ['الطاقة', 'المعلم*', 'السوق النفط', 'وسلم الله', '"أسعار النفط"'];

/** What a scan with a call per word gives: each word's offsets, and the code of each that matches. */
function reference(a: Analyzer, text: string, q: string, shift: number) {
  const m = matcherFor(a, parseQuery(q, a));
  const words: [number, number][] = [];
  const hits: [number, number][] = [];
  a.scan(text, (start, end, w) => {
    const code = w.mayMatch(m.screen) ? m.codeOfCandidate(w) : 0;
    if (code !== 0) hits.push([words.length, code]);
    words.push([start + shift, end + shift]);
  });
  return { words, hits };
}

function marked(a: Analyzer, text: string, q: string, shift: number) {
  const m = matcherFor(a, parseQuery(q, a));
  const out = { starts: new Growable(Int32Array, 4), ends: new Growable(Int32Array, 4), hitWords: new Growable(Int32Array, 4), hitCodes: new Growable(Int32Array, 4) };
  a.scanMarked(text, shift, m.screen, out, m.codeOfCandidate);
  return {
    words: Array.from(out.starts.view(), (s, i) => [s, out.ends.get(i)] as [number, number]),
    hits: Array.from(out.hitWords.view(), (w, i) => [w, out.hitCodes.get(i)] as [number, number]),
  };
}

describe('Analyzer.scanMarked: the words of a text and its matches without a call per word', () => {
  it('gives the offsets and matches a scan word by word gives, with clitics, diacritics, a ligature, digits and astral letters', () => {
    for (const text of texts) {
      for (const q of queries) {
        for (const shift of [0, 17]) {
          const a = new Analyzer();
          const want = reference(a, text, q, shift);
          expect(marked(new Analyzer(), text, q, shift), `${q} in ${text}`).toEqual(want);
        }
      }
    }
    const a = new Analyzer();
    const { hits, words } = marked(a, texts[0], 'الطاقة', 0);
    expect(words.length).toBe(13);
    expect(hits.map(([w]) => texts[0].slice(...words[w]))).toEqual(['الطاقة']);
  });

  it('stays right while the word table starts afresh between scans', () => {
    const a = new Analyzer(undefined, 8);
    const b = new Analyzer();
    for (let round = 0; round < 5; round++) for (const text of texts) expect(marked(a, text, 'المعلم* الطاقة', round)).toEqual(reference(b, text, 'المعلم* الطاقة', round));
    expect(a.epoch).toBeGreaterThan(0);
  });
});
