/**
 * The analysis pipeline: normalize → tokenize → stop words → stem (and root),
 * one ordered composition used by indexing, querying and highlighting alike.
 * Everything goes through one scan over the analyzer's word table, so a word
 * is analysed once, whichever stage meets it first.
 */
import { normalize, DEFAULT_NORMALIZE_OPTIONS, type NormalizeOptions } from './normalize.js';
import { WORD_PATTERN } from './tokenize.js';
import { MatchProbe, pushReading, Word, WordTable, type MarkedWords, type Readings } from './words.js';
import { stopWordSet } from './stopwords.js';
import { createLightStemmer, DEFAULT_STEM_OPTIONS, PROCLITIC_LETTERS, PROTECTED_WORDS, ROOT_RULES, rootStem, type StemOptions } from './stem.js';

export { MatchProbe, Word, type MarkedWords } from './words.js';

/** Bump whenever a change to analysis changes the terms an index holds. */
export const ANALYZER_VERSION = 2;

export interface AnalyzedToken {
  /** Light stem, the unit of matching. */
  stem: string;
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

const TANWEEN_FATH = '\u064b';

export class Analyzer {
  readonly settings: AnalyzerSettings;
  private readonly stopWords: ReadonlySet<string>;
  private readonly lightStem: (word: string) => string;
  private readonly table: WordTable;

  /** `wordTableLimit`: distinct words the word table holds before it starts afresh. */
  constructor(settings: AnalyzerSettings = DEFAULT_ANALYZER_SETTINGS, wordTableLimit?: number) {
    this.settings = settings;
    this.stopWords = stopWordSet(settings.normalize);
    this.lightStem = createLightStemmer(PROTECTED_WORDS, settings.stem);
    this.table = new WordTable((surface) => this.readingsOf(surface), wordTableLimit);
  }

  normalize(text: string): string {
    return normalize(text, this.settings.normalize);
  }

  /** The light stem of one normalized word. */
  stem(norm: string): string {
    return this.lightStem(norm);
  }

  isStopWord(norm: string): boolean {
    return this.stopWords.has(norm) || (this.settings.dropSingleLetters && norm.length === 1);
  }

  /**
   * Word entry numbers (`Word.entry`) keep their meaning while the epoch is
   * unchanged. It changes only between scans (at the end of the scan that
   * filled the word table, which then starts afresh); a caller that keeps
   * per-entry data checks it before each scan.
   */
  get epoch(): number {
    return this.table.epoch;
  }

  /** Distinct words the word table holds before it starts afresh. */
  get wordTableLimit(): number {
    return this.table.limit;
  }

  /** Distinct words analysed and remembered. */
  get knownWords(): number {
    return this.table.size;
  }

  /**
   * Calls `visit(start, end, word)` for every word of `text`, in order, with
   * offsets into `text`. `word` is a view valid during the call only.
   */
  scan(text: string, visit: (start: number, end: number, word: Word) => void): void {
    // One view per scan (not per word): a scan started inside another's callback keeps its own.
    const view = new Word(this.table);
    this.table.scan(text, (start, end, entry) => {
      view.entry = entry;
      visit(start, end, view);
    });
  }

  /**
   * The words of `text` and which of them match, for highlighting: every
   * word's offsets (plus `shift`) are appended to `out`, and each word that
   * may match `probe` is shown to `code` — whose non-zero answer marks it (see
   * WordTable.scanMarked). Words that cannot match cost no call at all.
   */
  scanMarked(text: string, shift: number, probe: MatchProbe, out: MarkedWords, code: (word: Word) => number): void {
    const view = new Word(this.table);
    this.table.scanMarked(text, shift, probe, out, (entry) => {
      view.entry = entry;
      return code(view);
    });
  }

  /** Every token of `text`, in order; stop words included only when `keepStops`. */
  analyze(text: string, keepStops = false): AnalyzedToken[] {
    const out: AnalyzedToken[] = [];
    let position = 0;
    this.scan(text, (start, end, w) => {
      for (let i = 0, n = w.readings; i < n; i++) {
        const stop = w.isStop(i);
        if (keepStops || !stop) out.push({ stem: w.stem(i), norm: w.norm(i), root: w.root(i), start, end, position, stop });
        position++;
      }
    });
    return out;
  }

  /** A probe for `Word.mayMatch`: what a query looks for, as hashes. */
  probe(stems: Iterable<string>, norms: Iterable<string>, roots: Iterable<string>, anyPrefix: boolean): MatchProbe {
    return new MatchProbe(stems, norms, roots, anyPrefix);
  }

  /** The readings of one surface word: what the word table remembers for it. */
  private readingsOf(surface: string): Readings {
    const norms = this.normalize(surface).match(WORD_PATTERN) ?? [];
    const tanween = this.settings.tanweenAlef && surface.includes(TANWEEN_FATH);
    const out: string[] = [];
    for (const n of norms) {
      const stem = this.lightStem(tanween && n.length > 3 && n.endsWith('ا') ? n.slice(0, -1) : n);
      pushReading(out, n, stem, rootStem(stem), this.isStopWord(n));
    }
    return out;
  }

  /**
   * Other readings of a normalized word whose first letter may be a proclitic
   * (و ف ب ل ك): the stem of the rest. لبني → بني، بداوود → داوود.
   */
  procliticReadings(norm: string): string[] {
    if (norm.length < 4 || !PROCLITIC_LETTERS.includes(norm[0])) return [];
    const full = this.lightStem(norm);
    const rest = this.lightStem(norm.slice(1));
    return rest !== full && !this.stopWords.has(norm.slice(1)) ? [rest] : [];
  }

  /** A stable fingerprint of everything that decides the terms of an index. */
  fingerprint(): string {
    return JSON.stringify({ v: ANALYZER_VERSION, s: this.settings, stops: [...this.stopWords].sort(), protected: PROTECTED_WORDS, roots: ROOT_RULES });
  }
}
