import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { createNaturalStemmer } from '../../src/analysis/natural-stemmer.js';

const analyzer = new Analyzer();
const stemmer = createNaturalStemmer(analyzer);
const NEWS = readFileSync(new URL('../fixtures/news.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { title: string; text: string });

describe('the natural Stemmer adapter', () => {
  it('tokenizeAndStem gives exactly the analyzer’s stems on real news text', () => {
    for (const d of NEWS) {
      for (const text of [d.title, d.text]) {
        expect(stemmer.tokenizeAndStem(text)).toEqual(analyzer.analyze(text).map((t) => t.stem));
        expect(stemmer.tokenizeAndStem(text, true)).toEqual(analyzer.analyze(text, true).map((t) => t.stem));
      }
    }
  });

  it('stem gives the analyzer’s stem of one word, as written (diacritics, hamza, tanween)', () => {
    for (const w of ['والمدرسة', 'الإرهابِ', 'فريقاً', 'بغداد', 'لبنان', 'المستشفى']) {
      expect(stemmer.stem(w)).toBe(analyzer.analyze(w, true)[0].stem);
    }
    expect(stemmer.stem('فريقاً')).toBe(stemmer.stem('فريق'));
  });

  it('tokenizeAndStem drops stop words, one-letter words and punctuation unless asked to keep them', () => {
    expect(stemmer.tokenizeAndStem('في البيت')).toEqual(['بيت']);
    expect(stemmer.tokenizeAndStem('في البيت', true)).toEqual(['في', 'بيت']);
    expect(stemmer.tokenizeAndStem('، ؛ ؟ « » ـــ')).toEqual([]);
    expect(stemmer.tokenizeAndStem('شركة GE عام ٢٠٠٨')).toEqual(['شرك', 'ge', 'عام', '2008']);
  });

  it('stop words added or removed on one stemmer change only that stemmer', () => {
    const own = createNaturalStemmer(analyzer);
    own.addStopWords(['يوم']);
    own.removeStopWord('في');
    expect(own.tokenizeAndStem('في يوم الخميس')).toEqual(['في', 'خميس']);
    expect(stemmer.tokenizeAndStem('في يوم الخميس')).toEqual(['يوم', 'خميس']);
  });

  describe('attach', () => {
    afterEach(() => {
      delete String.prototype.stem;
      delete String.prototype.tokenizeAndStem;
    });

    it('adds stem() and tokenizeAndStem() to strings', () => {
      stemmer.attach();
      expect('والمدرسة'.stem!()).toBe(stemmer.stem('والمدرسة'));
      expect('ذهب الطلاب إلى المدارس'.tokenizeAndStem!()).toEqual(stemmer.tokenizeAndStem('ذهب الطلاب إلى المدارس'));
    });
  });

  it('is a Stemmer natural’s own classifiers work with', () => {
    const require = createRequire(import.meta.url);
    const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier.js') as new (stemmer: unknown) => {
      addDocument(text: string, label: string): void;
      train(): void;
      classify(text: string): string;
    };
    const classifier = new BayesClassifier(stemmer);
    classifier.addDocument('ارتفعت أسعار النفط في الأسواق العالمية', 'اقتصاد');
    classifier.addDocument('تراجع سعر البرميل وتأثرت البورصات', 'اقتصاد');
    classifier.addDocument('فاز الفريق بالمباراة وسجل اللاعب هدفين', 'رياضة');
    classifier.addDocument('المنتخب يستعد للبطولة والمدرب يعلن التشكيلة', 'رياضة');
    classifier.train();
    // The words meet the training words only as stems: والأسواق/الأسواق → اسواق, اللاعبين/اللاعب → لاعب, والمباراة/بالمباراة → مبارا.
    expect(classifier.classify('أسعار النفط والأسواق')).toBe('اقتصاد');
    expect(classifier.classify('اللاعبين والمباراة')).toBe('رياضة');
  });
});
