/**
 * fahras's Arabic stemmer as a natural `Stemmer`, for natural's users (its
 * classifiers take any Stemmer): `stem` and `tokenizeAndStem` give exactly the
 * analyzer's stems — the same normalization, tokenization, stop words and
 * light stemmer that index and query use (tests/unit/natural-stemmer.test.ts
 * holds them equal and trains natural's BayesClassifier with it). Off the hot
 * path: fahras itself analyses through `Analyzer.scan`.
 *
 * natural's own Stemmer base is not used: its tokenizer drops Arabic letters
 * and its stop-word list is English and process-global, so every method of
 * the interface is implemented here, stop words per stemmer.
 *
 * ```ts
 * const stemmer = createNaturalStemmer();
 * stemmer.stem('والمدرسة');                         // 'مدرس'
 * stemmer.tokenizeAndStem('ذهب الطلاب إلى المدارس'); // ['ذهب', 'طلاب', 'مدارس']
 * stemmer.attach();                                  // 'المدرسة'.stem(), as natural's stemmers once offered
 * ```
 */
import type { Stemmer } from 'natural';
import { Analyzer } from './pipeline.js';

export interface NaturalArabicStemmer extends Stemmer {
  /** Adds `stem()` and `tokenizeAndStem()` to String.prototype, as natural's stemmers did before 8.0. */
  attach(): void;
}

declare global {
  interface String {
    stem?(): string;
    tokenizeAndStem?(keepStops?: boolean): string[];
  }
}

export function createNaturalStemmer(analyzer: Analyzer = new Analyzer()): NaturalArabicStemmer {
  const stemmer = {} as NaturalArabicStemmer;
  const added = new Set<string>();
  const removed = new Set<string>();
  const isStop = (norm: string, analyzerStop: boolean) => !removed.has(norm) && (analyzerStop || added.has(norm));

  stemmer.stem = (token: string) => {
    const [first] = analyzer.analyze(token, true);
    return first ? first.stem : token;
  };
  stemmer.tokenizeAndStem = (text: string, keepStops = false) =>
    analyzer
      .analyze(text, true)
      .filter((t) => keepStops || !isStop(t.norm, t.stop))
      .map((t) => t.stem);
  stemmer.addStopWord = (w: string) => void added.add(analyzer.normalize(w));
  stemmer.addStopWords = (ws: string[]) => ws.forEach((w) => stemmer.addStopWord(w));
  stemmer.removeStopWord = (w: string) => void removed.add(analyzer.normalize(w));
  stemmer.removeStopWords = (ws: string[]) => ws.forEach((w) => stemmer.removeStopWord(w));
  stemmer.attach = () => {
    String.prototype.stem = function (this: string) {
      return stemmer.stem(String(this));
    };
    String.prototype.tokenizeAndStem = function (this: string, keepStops?: boolean) {
      return stemmer.tokenizeAndStem(String(this), keepStops);
    };
  };
  return stemmer;
}
