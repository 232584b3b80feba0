/**
 * Curated Arabic stop words: function words, pronouns, question words and the
 * clitic-attached forms of the commonest ones. Content words that general lists
 * carry (عدة، عام، سنة، مليون، يوم) are deliberately absent: a question about a
 * widow's waiting period (عدة) or a year (عام) must still find its answer.
 * Entries are written as a reader types them and normalized by the same
 * normalizer the index uses, so hamza and alef variants match.
 */
import { normalize, type NormalizeOptions } from './normalize.js';

export const ARABIC_STOP_WORDS: readonly string[] = [
  // the bare article (a stray «ال» is never content), prepositions and particles
  'ال', 'في', 'من', 'إلى', 'الى', 'على', 'عن', 'مع', 'ب', 'ل', 'ك', 'و', 'ف', 'أو', 'ام', 'أم', 'ثم', 'حتى', 'إذ', 'إذا', 'اذا',
  'لدى', 'لدي', 'عند', 'منذ', 'مذ', 'خلال', 'بين', 'نحو', 'لكن', 'لكنه', 'لكنها', 'بل', 'قد', 'لقد', 'لن', 'لم', 'لا', 'لما',
  'إن', 'أن', 'ان', 'إنه', 'أنه', 'انه', 'إنها', 'أنها', 'انها', 'إنما', 'كأن', 'لأن', 'لان', 'كي', 'لكي', 'أي', 'اي', 'أيضا', 'ايضا',
  'غير', 'سوى', 'دون', 'ضمن', 'عبر', 'تحت', 'فوق', 'أمام', 'خلف', 'حول', 'لدن', 'إلا', 'الا', 'إما', 'اما', 'أما', 'يا', 'ها',
  'فيه', 'فيها', 'فيهم', 'منه', 'منها', 'منهم', 'عليه', 'عليها', 'عليهم', 'إليه', 'اليه', 'إليها', 'اليها', 'عنه', 'عنها', 'له', 'لها', 'لهم', 'به', 'بها', 'بهم',
  // clitic-attached forms
  'وفي', 'ومن', 'وإلى', 'والى', 'وعلى', 'وعن', 'ومع', 'وهو', 'وهي', 'وهم', 'وقد', 'ولا', 'ولم', 'ولن', 'وأن', 'وان', 'وإن', 'وكان', 'وكانت',
  'فإن', 'فان', 'فقد', 'فهو', 'فهي', 'فلا', 'فيما', 'بما', 'مما', 'عما', 'كما', 'لما', 'بأن', 'بان', 'بأنه', 'بانه', 'ولكن', 'وذلك', 'وهذا', 'وهذه',
  // pronouns and demonstratives
  'هو', 'هي', 'هم', 'هما', 'هن', 'أنا', 'انا', 'نحن', 'أنت', 'انت', 'أنتم', 'انتم', 'هذا', 'هذه', 'هذان', 'هاتان', 'هؤلاء', 'ذلك', 'تلك', 'ذلكم', 'أولئك', 'اولئك', 'هناك', 'هنا', 'ثمة',
  // relatives
  'الذي', 'التي', 'الذين', 'اللذان', 'اللتان', 'اللاتي', 'اللواتي', 'اللائي',
  // question words
  'ما', 'ماذا', 'متى', 'أين', 'اين', 'كيف', 'كم', 'هل', 'لماذا', 'لم', 'أي', 'أيّ', 'ماهي', 'ماهو', 'مامعنى',
  // auxiliaries and copulas
  'كان', 'كانت', 'كانوا', 'يكون', 'تكون', 'ليس', 'ليست', 'صار', 'أصبح', 'اصبح', 'ظل', 'مازال', 'لايزال',
  // quantifiers and adverbs of no content
  'كل', 'بعض', 'كلا', 'كلتا', 'جميع', 'أكثر', 'اكثر', 'أقل', 'اقل', 'فقط', 'جدا', 'قبل', 'بعد', 'حين', 'حيث', 'بينما', 'عندما', 'كلما', 'مثل',
  'تم', 'يتم', 'وتم',
];

/** Normalized stop-word set for the given normalizer settings. */
export function stopWordSet(options?: NormalizeOptions): ReadonlySet<string> {
  return new Set(ARABIC_STOP_WORDS.map((w) => normalize(w, options)));
}
