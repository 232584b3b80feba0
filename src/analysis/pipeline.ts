/**
 * The analysis pipeline: normalize → tokenize → stop words → stem, one ordered
 * composition used by indexing and querying alike.
 */
import { normalize, DEFAULT_NORMALIZE_OPTIONS, type NormalizeOptions } from './normalize.js';
import { tokenize, WORD_PATTERN } from './tokenize.js';
import { hashString, WordTable, type Packer } from './words.js';
import { stopWordSet } from './stopwords.js';
import { createArabicStemmer, DEFAULT_STEM_OPTIONS, PROTECTED_WORDS, ROOT_RULES, rootStem, type ArabicStemmer, type StemOptions } from './stem.js';

/** Bump whenever a change to analysis changes the terms an index holds. */
export const ANALYZER_VERSION = 2;

export interface AnalyzedToken {
  /** Stemmed term, the unit of matching. */
  term: string;
  /** Normalized surface form, for exact-form boosting and suggestions. */
  norm: string;
  /** Root-level form, for matching across derivations. */
  root: string;
  /** Offsets into the original text. */
  start: number;
  end: number;
  /** Ordinal of the word in the text, stop words counted. */
  position: number;
  /** True for stop words (kept only when asked for). */
  stop: boolean;
}

export interface AnalyzerSettings {
  normalize: NormalizeOptions;
  stem: StemOptions;
  /** Treat one-letter words as stop words. */
  dropSingleLetters: boolean;
  /** Drop the alef of an accusative ending written with tanween (فريقاً → فريق) before stemming. */
  tanweenAlef: boolean;
}

export const DEFAULT_ANALYZER_SETTINGS: AnalyzerSettings = {
  normalize: DEFAULT_NORMALIZE_OPTIONS,
  stem: DEFAULT_STEM_OPTIONS,
  dropSingleLetters: true,
  tanweenAlef: true,
};

export interface TermForms {
  /** One entry per word the surface normalizes to (ligatures such as ﷺ expand to several). */
  norms: string[];
  terms: string[];
  roots: string[];
  stops: boolean[];
}

const CACHE_LIMIT = 200_000;

/** Flags in the first packed integer of a word-table entry. */
export const PACKED_STOP = 1;
export const PACKED_SEVERAL = 2;

/**
 * Each word-table entry packed as [flags, hash(term), hash(norm), hash(root)]
 * (see `hashString`), so the highlighter rejects a non-matching word without
 * reading its forms. Words that normalize to several words (ligatures) are
 * flagged PACKED_SEVERAL and carry no hashes.
 */
export const FORMS_PACKER: Packer<TermForms> = {
  width: 4,
  pack(f, out, at) {
    if (f.norms.length !== 1) {
      out[at] = PACKED_SEVERAL;
      return;
    }
    out[at] = f.stops[0] ? PACKED_STOP : 0;
    out[at + 1] = hashString(f.terms[0]);
    out[at + 2] = hashString(f.norms[0]);
    out[at + 3] = hashString(f.roots[0]);
  },
};

export class Analyzer {
  readonly settings: AnalyzerSettings;
  readonly stopWords: ReadonlySet<string>;
  readonly stemmer: ArabicStemmer;
  private cache = new Map<string, TermForms>();
  /** Every distinct word met by `scan`, with its forms. */
  readonly words: WordTable<TermForms>;

  /** `wordTableLimit`: distinct words the word table holds before it starts afresh. */
  constructor(settings: AnalyzerSettings = DEFAULT_ANALYZER_SETTINGS, wordTableLimit?: number) {
    this.settings = settings;
    this.stopWords = stopWordSet(settings.normalize);
    this.stemmer = createArabicStemmer(this.stopWords, undefined, settings.stem);
    this.words = new WordTable((surface) => this.computeForms(surface), wordTableLimit, FORMS_PACKER);
  }

  normalize(text: string): string {
    return normalize(text, this.settings.normalize);
  }

  /** Normalized and stemmed forms of one surface word, memoized. */
  forms(surface: string): TermForms {
    let f = this.cache.get(surface);
    if (f) return f;
    f = this.computeForms(surface);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(surface, f);
    return f;
  }

  private computeForms(surface: string): TermForms {
    const normalized = this.normalize(surface);
    const norms = normalized.match(WORD_PATTERN) ?? [];
    const s = this.settings;
    const tanween = s.tanweenAlef && surface.includes('\u064b');
    const terms = norms.map((n) => this.stemmer.stem(tanween && n.length > 3 && n.endsWith('ا') ? n.slice(0, -1) : n));
    return {
      norms,
      terms,
      roots: terms.map(rootStem),
      stops: norms.map((n) => this.stopWords.has(n) || (s.dropSingleLetters && n.length === 1)),
    };
  }

  /** Every token of `text`, in order; stop words included only when `keepStops`. */
  analyze(text: string, keepStops = false): AnalyzedToken[] {
    const out: AnalyzedToken[] = [];
    let position = 0;
    for (const t of tokenize(text)) {
      const f = this.forms(t.surface);
      for (let i = 0; i < f.norms.length; i++) {
        if (keepStops || !f.stops[i]) {
          out.push({ term: f.terms[i], norm: f.norms[i], root: f.roots[i], start: t.start, end: t.end, position, stop: f.stops[i] });
        }
        position++;
      }
    }
    return out;
  }

  /**
   * Other readings of a normalized word whose first letter may be a proclitic
   * (و ف ب ل ك): the stem of the rest. لبني → بني، بداوود → داوود.
   */
  procliticReadings(norm: string): string[] {
    if (norm.length < 4 || !'وفبلك'.includes(norm[0])) return [];
    const full = this.stemmer.stem(norm);
    const rest = this.stemmer.stem(norm.slice(1));
    return rest !== full && !this.stopWords.has(norm.slice(1)) ? [rest] : [];
  }

  /** Stemmed terms only: what natural's `tokenizeAndStem` gives, through our own tokenizer. */
  terms(text: string): string[] {
    return this.stemmer.tokenizeAndStem(text);
  }

  /** A stable fingerprint of everything that decides the terms of an index. */
  fingerprint(): string {
    return JSON.stringify({ v: ANALYZER_VERSION, s: this.settings, stops: [...this.stopWords].sort(), protected: PROTECTED_WORDS, roots: ROOT_RULES });
  }
}
