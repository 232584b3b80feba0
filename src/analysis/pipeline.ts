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

/**
 * The analysed readings of one surface word, flat: for each reading its
 * normalized form, stem, root and stop marker, READING slots apart. One
 * reading as a rule; a ligature such as ﷺ normalizes to several words. One
 * array per word keeps the word table small for the garbage collector.
 */
export type TermForms = readonly string[];

/** Slots of one reading in TermForms, and their offsets. */
export const READING = 4;
export const NORM = 0;
export const TERM = 1;
export const ROOT = 2;
export const STOP = 3;
/** The STOP slot of a stop word (empty otherwise). */
export const STOP_MARK = 'stop';

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
    if (f.length !== READING) {
      out[at] = PACKED_SEVERAL;
      return;
    }
    out[at] = f[STOP] ? PACKED_STOP : 0;
    out[at + 1] = hashString(f[TERM]);
    out[at + 2] = hashString(f[NORM]);
    out[at + 3] = hashString(f[ROOT]);
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
    const out: string[] = [];
    for (const n of norms) {
      const term = this.stemmer.stem(tanween && n.length > 3 && n.endsWith('ا') ? n.slice(0, -1) : n);
      const stop = this.stopWords.has(n) || (s.dropSingleLetters && n.length === 1);
      out.push(n, term, rootStem(term), stop ? STOP_MARK : '');
    }
    return out;
  }

  /** Every token of `text`, in order; stop words included only when `keepStops`. */
  analyze(text: string, keepStops = false): AnalyzedToken[] {
    const out: AnalyzedToken[] = [];
    let position = 0;
    for (const t of tokenize(text)) {
      const f = this.forms(t.surface);
      for (let i = 0; i < f.length; i += READING) {
        const stop = f[i + STOP] !== '';
        if (keepStops || !stop) out.push({ term: f[i + TERM], norm: f[i + NORM], root: f[i + ROOT], start: t.start, end: t.end, position, stop });
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
