/**
 * The terms of a sorted lexicon within a number of edits of a word
 * (Levenshtein: insert, delete or substitute one UTF-16 code unit), found by
 * walking the sorted terms as the trie they spell. Each term's rows of the
 * edit-distance matrix are computed from the first letter it does not share
 * with the term before (`sharedPrefixes`); once a row's least distance passes
 * the edits allowed, every term beginning with that prefix is out and is
 * skipped. The matrix, its band and its pruning are those of MiniSearch's
 * SearchableMap.fuzzyGet, which this replaces: that needed a radix tree of
 * the whole lexicon, built on the first misspelling after an index opened
 * (0.22 s and 52 MB of heap for the 260,268 surface forms of the 4×
 * SaudiNewsNet index), where the lexicon is already sorted.
 */

/** Per term, the code units it shares with the term before (0 for the first), up to 255. */
export function sharedPrefixes(terms: readonly string[]): Uint8Array {
  const out = new Uint8Array(terms.length);
  for (let id = 1; id < terms.length; id++) {
    const a = terms[id - 1];
    const b = terms[id];
    const n = Math.min(a.length, b.length, 255);
    let i = 0;
    while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    out[id] = i;
  }
  return out;
}

/**
 * [id, distance] of every term of `terms` (sorted by UTF-16 code units;
 * `shared` from sharedPrefixes) within `maxEdits` edits of `word` for which
 * `wanted(id)` holds, in term order.
 */
export function fuzzyTerms(terms: readonly string[], shared: Uint8Array, word: string, maxEdits: number, wanted: (id: number) => boolean): [number, number][] {
  const n = word.length + 1;
  // Rows 0 … word.length + maxEdits: a longer term is more edits away.
  const rows = n + maxEdits;
  const matrix = new Uint8Array(rows * n).fill(maxEdits + 1);
  for (let j = 0; j < n; j++) matrix[j] = j;
  for (let i = 1; i < rows; i++) matrix[i * n] = i;
  const out: [number, number][] = [];
  // The matrix holds rows 1 … valid of the current term's first letters.
  let valid = 0;
  let id = 0;
  terms: while (id < terms.length) {
    const term = terms[id];
    for (let i = valid; i < term.length; i++) {
      const row = i + 1;
      let least = maxEdits + 1;
      if (row < rows) {
        const at = row * n;
        const above = at - n;
        const c = term.charCodeAt(i);
        least = matrix[at];
        const jmax = Math.min(n - 1, row + maxEdits);
        for (let j = Math.max(0, row - maxEdits - 1); j < jmax; j++) {
          const d = Math.min(matrix[above + j] + (c === word.charCodeAt(j) ? 0 : 1), matrix[above + j + 1] + 1, matrix[at + j] + 1);
          matrix[at + j + 1] = d;
          if (d < least) least = d;
        }
      }
      if (least > maxEdits) {
        // No term beginning with term[0 … i] is near enough: past them, the next shares at most i letters with this one.
        id++;
        while (id < terms.length && shared[id] > i) id++;
        valid = id < terms.length ? shared[id] : 0;
        continue terms;
      }
    }
    const distance = matrix[term.length * n + n - 1];
    if (distance <= maxEdits && wanted(id)) out.push([id, distance]);
    id++;
    valid = id < terms.length ? shared[id] : 0;
  }
  return out;
}
