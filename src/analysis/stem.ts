/**
 * Arabic light stemmer in the family of Larkey's light10 and Lucene's
 * ArabicStemmer (natural's Stemmer API is offered by natural-stemmer.ts). Input is already normalized
 * (alef, ya and ta marbuta folded), so ة never appears and ية is written يه.
 *
 * Rules, in order:
 *  1. protected words (proper nouns, words whose first letters are root letters) stay whole,
 *     also behind one proclitic letter (وبغداد → بغداد);
 *  2. strip one article prefix (وبال وكال فبال ولل وال بال كال فال لل ال) if enough letters remain;
 *     otherwise a leading conjunction or preposition when the rest is long enough;
 *  3. strip one suffix, longest first, if enough letters remain.
 */
import { normalize } from './normalize.js';

export interface StemOptions {
  /** Article prefixes, tried longest first. */
  articles: readonly string[];
  /** Single-letter proclitics stripped from words without an article, with the letters that must remain. */
  proclitics: Readonly<Record<string, number>>;
  /** Letters that must remain after removing the article. */
  articleMinRest: number;
  /** Suffixes with the letters that must remain, tried in order; the first that fits is removed. */
  suffixes: readonly (readonly [string, number])[];
}

export const DEFAULT_STEM_OPTIONS: StemOptions = {
  articles: ['وبال', 'وكال', 'فبال', 'ولل', 'وال', 'بال', 'كال', 'فال', 'لل', 'ال'],
  proclitics: { و: 4 },
  articleMinRest: 2,
  suffixes: [
    // a feminine noun (ة written ت before a suffix) with a pronoun or the dual ending
    ['تهما', 3],
    ['تهم', 3],
    ['تها', 3],
    ['تين', 3],
    ['تان', 3],
    ['ته', 3],
    ['تي', 3],
    // plural and first-person pronouns
    ['هما', 3],
    ['هم', 3],
    ['كم', 3],
    ['نا', 3],
    ['ها', 2],
    ['ان', 2],
    ['ات', 2],
    ['ون', 2],
    ['ين', 3],
    ['يه', 2],
    ['ه', 3],
    ['ي', 3],
  ],
};

/**
 * Words a prefix or suffix rule would mangle: proper nouns and common words
 * whose first or last letters belong to the root. Written as read; normalized on use.
 */
export const PROTECTED_WORDS: readonly string[] = [
  'بغداد', 'بيروت', 'بريطانيا', 'باريس', 'بكين', 'برلين', 'باكستان', 'بنغلاديش', 'بلجيكا', 'البحرين', 'بحرين',
  'واشنطن', 'ولاية', 'وزير', 'وزارة', 'وزراء', 'وطن', 'وطني', 'وطنية', 'وقت', 'وجود', 'وجه', 'وحدة', 'ولد', 'والد', 'والده', 'والدة', 'والدين', 'وادي', 'واقع', 'واحد', 'واحدة',
  'فلسطين', 'فرنسا', 'فنزويلا', 'فيتنام', 'فيينا', 'فريق', 'فترة', 'فكرة', 'فيلم', 'فصل', 'فوز', 'فرص', 'فرصة',
  'لبنان', 'ليبيا', 'لندن', 'لجنة', 'كندا', 'كوريا', 'كوبا', 'كينيا',
  'ايران', 'اليابان', 'اليمن', 'عمان', 'سودان', 'السودان', 'تركيا', 'روسيا', 'اسبانيا', 'المانيا', 'ايطاليا', 'امريكا', 'اوبك',
  'الله', 'اله', 'ابراهيم', 'اسماعيل', 'عيسى', 'موسى', 'يحيى', 'يوسف', 'هارون', 'سليمان', 'عثمان', 'مروان', 'رمضان', 'شعبان', 'شيطان', 'انسان', 'قران', 'قرآن', 'ميزان', 'برهان', 'سلطان', 'بيان', 'مكان', 'زمان', 'ايمان', 'احسان', 'لسان',
];

/** Letters that may be a proclitic (and, so, with, for, like) glued to the word after them. */
export const PROCLITIC_LETTERS = 'وفبلك';

/** Verb and derivation prefixes removed by the root-level stemmer, longest first. */
const ROOT_PREFIXES = ['است', 'يست', 'تست', 'نست', 'ست', 'مست', 'ي', 'ت', 'ن', 'ا', 'م'];
/** Pronoun, plural and verb-ending suffixes removed by the root-level stemmer. */
const ROOT_SUFFIXES = ['تموها', 'تما', 'تهم', 'تها', 'كما', 'هما', 'وها', 'وه', 'وا', 'تم', 'تن', 'هم', 'هن', 'كم', 'نا', 'ته', 'ات', 'ان', 'ون', 'ين', 'يه', 'ه', 'ت', 'ي', 'ا', 'و'];

/**
 * A coarser, root-level form of a light stem: verb prefixes (ي ت ن ا ست م…)
 * and more suffixes go, down to three letters. It conflates more than the light
 * stem (يقع/تقع/واقع، أرسل/رسول) and is scored as a lighter, third term.
 */
export const ROOT_RULES = { prefixes: ROOT_PREFIXES, suffixes: ROOT_SUFFIXES } as const;

export function rootStem(stem: string): string {
  if (stem.length <= 3 || !/^[\u0621-\u064a]+$/.test(stem)) return stem;
  let w = stem;
  for (let changed = true; changed && w.length > 3; ) {
    changed = false;
    for (const s of ROOT_SUFFIXES) {
      if (w.endsWith(s) && w.length - s.length >= 3) {
        w = w.slice(0, -s.length);
        changed = true;
        break;
      }
    }
  }
  for (const p of ROOT_PREFIXES) {
    if (w.startsWith(p) && w.length - p.length >= 3) {
      w = w.slice(p.length);
      break;
    }
  }
  return w;
}

/** The stemming rules on one normalized word; pure, no dictionary. */
export function lightStem(word: string, protectedWords: ReadonlySet<string>, o: StemOptions = DEFAULT_STEM_OPTIONS): string {
  if (word.length < 3 || protectedWords.has(word) || !/^[\u0621-\u064a]+$/.test(word)) return word;
  if (PROCLITIC_LETTERS.includes(word[0]) && protectedWords.has(word.slice(1))) return word.slice(1);
  let w: string | undefined;
  for (const p of o.articles) {
    if (word.startsWith(p) && word.length - p.length >= o.articleMinRest) {
      w = word.slice(p.length);
      break;
    }
  }
  if (w === undefined) {
    w = word;
    const min = o.proclitics[word[0]];
    if (min !== undefined && word.length - 1 >= min) w = word.slice(1);
  }
  if (protectedWords.has(w)) return w;
  for (const [s, min] of o.suffixes) {
    if (w.endsWith(s) && w.length - s.length >= min) return w.slice(0, -s.length);
  }
  return w;
}

/** The light stemmer with its protected words normalized once: `stem(normalizedWord)`. */
export function createLightStemmer(protectedWords: readonly string[] = PROTECTED_WORDS, options: StemOptions = DEFAULT_STEM_OPTIONS): (word: string) => string {
  const protectedSet = new Set(protectedWords.map((w) => normalize(w)));
  return (word) => lightStem(word, protectedSet, options);
}
