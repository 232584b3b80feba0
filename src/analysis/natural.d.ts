declare module 'natural/lib/natural/stemmers/stemmer.js' {
  /** natural's Stemmer base: installs stem/tokenizeAndStem/stop-word helpers on `this`. */
  const StemmerBase: (this: object) => void;
  export default StemmerBase;
}
