import { describe, expect, it } from 'vitest';
import { normalize, DEFAULT_NORMALIZE_OPTIONS } from '../../src/analysis/normalize.js';

/** [description, input, expected] */
type Row = [string, string, string];

const presentationForms: Row[] = [
  ['lam-alef with hamza above ligature ﻷ', 'ﻷ', 'لا'],
  ['lam-alef ligature ﻻ', 'ﻻ', 'لا'],
  ['lam-alef madda ligature ﻵ', 'ﻵ', 'لا'],
  ['Allah ligature ﷲ', 'ﷲ', 'الله'],
  ['isolated/initial/medial/final presentation forms of العربية', 'ﺍﻟﻌﺮﺑﻴﺔ', 'العربيه'],
  ['alef wasla presentation form ﭐ', 'ﭐ', 'ا'],
  ['ligature inside a word: ﻷمن', 'ﻷمن', 'لامن'],
];

const marks: Row[] = [
  ['fatha, shadda on a seed word دشَّن', 'دشَّن', 'دشن'],
  ['damma in وعُقدت', 'وعُقدت', 'وعقدت'],
  ['tanween fath in حيويًا', 'حيويًا', 'حيويا'],
  ['tanween kasr and damm', 'كتابٍ كتابٌ', 'كتاب كتاب'],
  ['sukun and fatha in الأَمْن', 'الأَمْن', 'الامن'],
  ['kasra at the end of الإرهابِ', 'الإرهابِ', 'الارهاب'],
  ['shadda with fatha in ويُعَدّ', 'ويُعَدّ', 'ويعد'],
  ['shadda in قلَّت', 'قلَّت', 'قلت'],
  ['fully vocalised بِسْمِ اللَّهِ الرَّحْمَنِ الرَّحِيمِ', 'بِسْمِ اللَّهِ الرَّحْمَنِ الرَّحِيمِ', 'بسم الله الرحمن الرحيم'],
  ['dagger alef U+0670 in رحمٰن', 'رحمٰن', 'رحمن'],
  ['dagger alef in هٰذا', 'هٰذا', 'هذا'],
  ['Quranic small high ligature U+06D6', 'قل\u06d6', 'قل'],
  ['Quranic small high meem U+06E2 inside a word', 'عل\u06e2يم', 'عليم'],
  ['Quranic end-of-ayah-like mark U+06DE between words', 'قل \u06de هو', 'قل  هو'],
  ['Quranic small low meem U+06ED', 'سميع\u06ed', 'سميع'],
  ['honorific sign U+0610', 'محمد\u0610', 'محمد'],
];

const tatweel: Row[] = [
  ['tatweel in الطاقـــة', 'الطاقـــة', 'الطاقه'],
  ['tatweel alone', 'ـــ', ''],
  ['tatweel with harakat', 'جـَــمـيـل', 'جميل'],
];

const letters: Row[] = [
  ['alef with hamza above أ', 'أميركية', 'اميركيه'],
  ['alef with hamza below إ', 'إرساء', 'ارساء'],
  ['alef madda آ', 'آفاق', 'افاق'],
  ['alef wasla ٱ', 'ٱلحمد', 'الحمد'],
  ['alef maqsura ى → ي', 'المستشفى', 'المستشفي'],
  ['ta marbuta ة → ه', 'الطاقة', 'الطاقه'],
  ['ta marbuta in a seed phrase', 'التعاون الأمني ومكافحة الإرهاب', 'التعاون الامني ومكافحه الارهاب'],
  ['hamza on waw ؤ → و', 'مؤتمر', 'موتمر'],
  ['hamza on ya ئ → ي', 'رئيس', 'رييس'],
  ['standalone hamza ء kept', 'إرساء', 'ارساء'],
  ['Persian keheh ک → ك', 'کبریات', 'كبريات'],
  ['Persian yeh ی → ي', 'ایران', 'ايران'],
  ['heh with yeh above ۀ → ه', 'خانۀ', 'خانه'],
  ['Urdu heh goal ہ → ه', 'ہم', 'هم'],
  ['Kurdish ae ە → ه', 'ە', 'ه'],
  ['Persian keyboard spelling of a seed word', 'کبریات الشرکات', 'كبريات الشركات'],
];

const digits: Row[] = [
  ['Arabic-Indic digits', '٠١٢٣٤٥٦٧٨٩', '0123456789'],
  ['extended (Persian) digits', '۰۱۲۳۴۵۶۷۸۹', '0123456789'],
  ['year in Arabic-Indic digits', 'عام ٢٠٢٤', 'عام 2024'],
  ['ASCII digits kept', '2008', '2008'],
];

const invisibles: Row[] = [
  ['zero-width space U+200B', 'الأ\u200bمن', 'الامن'],
  ['ZWNJ U+200C', 'مي\u200cخواهم', 'ميخواهم'],
  ['ZWJ U+200D', 'ب\u200dغداد', 'بغداد'],
  ['LRM U+200E and RLM U+200F', '\u200eبغداد\u200f', 'بغداد'],
  ['Arabic letter mark U+061C', '\u061cبغداد', 'بغداد'],
  ['bidi embeddings and overrides U+202A–U+202E', '\u202aa\u202bb\u202cc\u202dd\u202ee', 'abcde'],
  ['bidi isolates U+2066–U+2069', '\u2066x\u2067y\u2068z\u2069', 'xyz'],
  ['BOM / ZWNBSP U+FEFF', '\ufeffواشنطن', 'واشنطن'],
];

const latin: Row[] = [
  ['lowercase', 'General Electric GE', 'general electric ge'],
  ['accent folding Café', 'Café', 'cafe'],
  ['accent folding, upper case', 'ÉCOLE Über Ñandú', 'ecole uber nandu'],
  ['decomposed accent', 'Cafe\u0301', 'cafe'],
  ['fullwidth Latin (NFKC)', 'ＡＢＣ１２', 'abc12'],
  ['fi ligature (NFKC)', 'ﬁle', 'file'],
  ['mixed Arabic and Latin', 'شركة "General Electric" عام ٢٠٠٨', 'شركه "general electric" عام 2008'],
];

const preserved: Row[] = [
  ['empty string', '', ''],
  ['punctuation kept', '، ؛ ؟ « »', '، ؛ ؟ « »'],
  ['plain letters unchanged', 'بغداد واشنطن', 'بغداد واشنطن'],
  ['emoji kept', 'سلام 🌙', 'سلام 🌙'],
];

describe('normalize', () => {
  const groups: [string, Row[]][] = [
    ['NFKC presentation forms and ligatures', presentationForms],
    ['harakat, shadda, sukun, tanween, dagger alef, Quranic marks', marks],
    ['tatweel', tatweel],
    ['letter folding', letters],
    ['digits', digits],
    ['zero-width and bidi controls', invisibles],
    ['Latin', latin],
    ['what is preserved', preserved],
  ];
  for (const [group, rows] of groups) {
    describe(group, () => {
      it.each(rows)('%s', (_desc, input, expected) => {
        expect(normalize(input)).toBe(expected);
      });
    });
  }

  it('normalizes a whole seed sentence', () => {
    const sentence = 'ويُعَدّ التحول في العلاقة بين البلدين، من الشراكة العسكرية المباشرة إلى التركيز على التعاون الثنائي';
    expect(normalize(sentence)).toBe('ويعد التحول في العلاقه بين البلدين، من الشراكه العسكريه المباشره الي التركيز علي التعاون الثنايي');
  });

  it('folds every spelling of one word to the same form', () => {
    const forms = ['الإرهاب', 'الارهاب', 'الإرهابِ', 'الإرهـــاب', 'ال\u200bإرهاب', '\u202bالإرهاب\u202c', 'الإِرْهَابُ'];
    expect(new Set(forms.map((f) => normalize(f)))).toEqual(new Set(['الارهاب']));
  });

  it('keeps hamza carriers when foldHamzaCarriers is off', () => {
    const opts = { ...DEFAULT_NORMALIZE_OPTIONS, foldHamzaCarriers: false };
    expect(normalize('مؤتمر رئيس', opts)).toBe('مؤتمر رئيس');
    // the other folds still apply
    expect(normalize('أوبك الطاقة', opts)).toBe('اوبك الطاقه');
  });

  it('is idempotent on the table inputs', () => {
    for (const rows of [presentationForms, marks, tatweel, letters, digits, invisibles, latin, preserved]) {
      for (const [, input] of rows) expect(normalize(normalize(input))).toBe(normalize(input));
    }
  });
});
