/**
 * Arabic light stemmer in the family of Larkey's light10 and Lucene's
 * ArabicStemmer, built on natural's Stemmer API. Input is already normalized
 * (alef, ya and ta marbuta folded), so ة never appears and ية is written يه.
 *
 * Rules, in order:
 *  1. protected words (proper nouns, words whose first letters are root letters) stay whole;
 *  2. strip one article prefix (وال بال كال فال لل ال, and وبال وكال فبال ولل) if ≥ 2 letters remain;
 *     otherwise strip a leading conjunction و / ف if ≥ 4 letters remain;
 *  3. strip one suffix (ها ان ات ون ين يه يه ه ي), longest first, if ≥ 2 letters remain
 *     (≥ 3 for the one-letter suffixes).
 */
import StemmerBase from 'natural/lib/natural/stemmers/stemmer.js';
import { normalize } from './normalize.js';
import { tokenize } from './tokenize.js';

export const ARTICLE_PREFIXES = ['وبال', 'وكال', 'فبال', 'ولل', 'وال', 'بال', 'كال', 'فال', 'لل', 'ال'] as const;
export const CONJUNCTION_PREFIXES = ['و', 'ف'] as const;
const PROCLITICS = 'وفبلك';
export const SUFFIXES = ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي'] as const;

/**
 * Words a prefix or suffix rule would mangle: proper nouns and common words
 * whose first or last letters belong to the root. Written as read; normalized on use.
 */
export const PROTECTED_WORDS: readonly string[] = [
  'بغداد', 'بيروت', 'بريطانيا', 'باريس', 'بكين', 'برلين', 'باكستان', 'بنغلاديش', 'بلجيكا', 'البحرين', 'بحرين',
  'واشنطن', 'ولاية', 'وزير', 'وزارة', 'وزراء', 'وطن', 'وطني', 'وطنية', 'وقت', 'وجود', 'وجه', 'وحدة', 'ولد', 'والد', 'والده', 'والدة', 'والدين', 'وادي', 'واقع', 'واحد', 'واحدة',
  'فلسطين', 'فرنسا', 'فنزويلا', 'فيتنام', 'فيينا', 'فريق', 'فترة', 'فكرة', 'فيلم', 'فصل', 'فوز', 'فرص', 'فرصة',
  'لبنان', 'ليبيا', 'لندن', 'لجنة', 'كندا', 'كوريا', 'كوبا', 'كينيا',
  'ايران', 'اليابان', 'اليمن', 'عمان', 'سودان', 'السودان', 'لبنان', 'تركيا', 'روسيا', 'اسبانيا', 'المانيا', 'ايطاليا', 'امريكا', 'اوبك',
  'الله', 'اله', 'ابراهيم', 'اسماعيل', 'عيسى', 'موسى', 'يحيى', 'يوسف', 'هارون', 'سليمان', 'عثمان', 'مروان', 'رمضان', 'شعبان', 'شيطان', 'انسان', 'قران', 'قرآن', 'ميزان', 'برهان', 'سلطان', 'بيان', 'مكان', 'زمان', 'ايمان', 'احسان', 'لسان',
];

export interface ArabicStemmer {
  stem(token: string): string;
  tokenizeAndStem(text: string, keepStops?: boolean): string[];
}

function stripArticle(word: string): string | undefined {
  for (const p of ARTICLE_PREFIXES) {
    if (word.startsWith(p) && word.length - p.length >= 2) return word.slice(p.length);
  }
  return undefined;
}

function stripSuffix(word: string): string {
  for (const s of SUFFIXES) {
    const min = s.length === 1 ? 3 : 2;
    if (word.endsWith(s) && word.length - s.length >= min) return word.slice(0, -s.length);
  }
  return word;
}

/** The stemming rules on one normalized word; pure, no dictionary. */
export function lightStem(word: string, protectedWords: ReadonlySet<string>): string {
  if (word.length < 3 || protectedWords.has(word) || !/^[\u0621-\u064a]+$/.test(word)) return word;
  // A proclitic letter on a protected word: وبغداد، بواشنطن، والله.
  if (PROCLITICS.includes(word[0]) && protectedWords.has(word.slice(1))) return word.slice(1);
  let w = stripArticle(word);
  if (w === undefined) {
    w = word;
    for (const p of CONJUNCTION_PREFIXES) {
      if (word.startsWith(p) && word.length - p.length >= 4) {
        w = word.slice(p.length);
        break;
      }
    }
  }
  if (protectedWords.has(w)) return w;
  return stripSuffix(w);
}

/**
 * Creates a stemmer object on natural's Stemmer base, with `stem` and
 * `tokenizeAndStem` replaced so that Arabic letters survive tokenization and
 * the stop-word list is this stemmer's own (natural's is process-global).
 */
export function createArabicStemmer(stopWords: ReadonlySet<string>, protectedWords: readonly string[] = PROTECTED_WORDS): ArabicStemmer {
  const protectedSet = new Set(protectedWords.map((w) => normalize(w)));
  const stemmer = {} as ArabicStemmer;
  StemmerBase.call(stemmer);
  stemmer.stem = (token: string) => lightStem(token, protectedSet);
  stemmer.tokenizeAndStem = (text: string, keepStops = false) => {
    const out: string[] = [];
    for (const t of tokenize(text)) {
      const norm = normalize(t.surface);
      if (!norm || (!keepStops && stopWords.has(norm))) continue;
      out.push(stemmer.stem(norm));
    }
    return out;
  };
  return stemmer;
}
