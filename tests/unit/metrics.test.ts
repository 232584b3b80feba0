import { describe, expect, it } from 'vitest';
import { averagePrecision, evaluate, ndcg, recall, reciprocalRank } from '../../src/eval/metrics.js';
import { parseQrels, parseQueries, runLine, TrecFormatError } from '../../src/eval/trec.js';

const judg = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));
const ranks = (n: number, prefix = 'x'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe('reciprocal rank (MRR@10)', () => {
  it('is 1/rank of the first relevant document', () => {
    // first relevant at rank 3 → 1/3
    expect(reciprocalRank(['a', 'b', 'c', 'd'], judg({ c: 1, d: 1 }))).toBeCloseTo(1 / 3, 12);
    // first relevant at rank 1 → 1
    expect(reciprocalRank(['c', 'a'], judg({ c: 2 }))).toBe(1);
  });
  it('counts only the first 10 ranks', () => {
    const r = [...ranks(10), 'rel'];
    // relevant at rank 11 → outside the cut-off → 0
    expect(reciprocalRank(r, judg({ rel: 1 }))).toBe(0);
    // relevant at rank 10 → 1/10
    expect(reciprocalRank([...ranks(9), 'rel'], judg({ rel: 1 }))).toBeCloseTo(0.1, 12);
  });
  it('ignores grade-0 judgments', () => {
    expect(reciprocalRank(['a', 'b'], judg({ a: 0, b: 1 }))).toBe(0.5);
  });
});

describe('Recall@k', () => {
  it('is the share of relevant documents in the first k', () => {
    // relevant {a, c, z}; first 3 = a b c → 2 of 3
    expect(recall(['a', 'b', 'c', 'z'], judg({ a: 1, c: 1, z: 1 }), 3)).toBeCloseTo(2 / 3, 12);
    // k = 4 → a, c, z found → 3/3
    expect(recall(['a', 'b', 'c', 'z'], judg({ a: 1, c: 1, z: 1 }), 4)).toBe(1);
    // k larger than the ranking → whatever was found: a → 1/3
    expect(recall(['a'], judg({ a: 1, c: 1, z: 1 }), 100)).toBeCloseTo(1 / 3, 12);
  });
  it('is 0 without relevant judgments', () => {
    expect(recall(['a'], judg({ a: 0 }), 10)).toBe(0);
  });
});

describe('nDCG@10 (graded)', () => {
  it('uses grade as gain and log2(rank + 1) as discount', () => {
    // ranking: a(3) b(0) c(2) d(1)
    // DCG  = 3/log2(2) + 0 + 2/log2(4) + 1/log2(5) = 3 + 1 + 0.430677 = 4.430677
    // ideal order 3, 2, 1: IDCG = 3/1 + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860
    // nDCG = 4.430677 / 4.761860 = 0.930450
    const dcg = 3 + 2 / 2 + 1 / Math.log2(5);
    const idcg = 3 + 2 / Math.log2(3) + 1 / 2;
    const v = ndcg(['a', 'b', 'c', 'd'], judg({ a: 3, c: 2, d: 1 }));
    expect(v).toBeCloseTo(dcg / idcg, 10);
    expect(v).toBeCloseTo(0.93045, 4);
  });
  it('is 1 for the ideal ranking and 0 when nothing relevant is retrieved', () => {
    expect(ndcg(['a', 'c', 'd'], judg({ a: 3, c: 2, d: 1 }))).toBeCloseTo(1, 12);
    expect(ndcg(['x', 'y'], judg({ a: 3 }))).toBe(0);
  });
  it('the ideal counts relevant documents that were not retrieved', () => {
    // only b (grade 1) retrieved at rank 1: DCG = 1; IDCG = 2/1 + 1/log2(3) = 2.630930 → 0.380094
    expect(ndcg(['b'], judg({ a: 2, b: 1 }))).toBeCloseTo(1 / (2 + 1 / Math.log2(3)), 10);
  });
  it('cuts both DCG and IDCG at 10', () => {
    // 11 relevant docs of grade 1, ranking holds them all in order → first 10 count on both sides → 1
    const docs = ranks(11, 'r');
    expect(ndcg(docs, judg(Object.fromEntries(docs.map((d) => [d, 1]))))).toBeCloseTo(1, 12);
  });
});

describe('MAP@10', () => {
  it('sums precision at relevant ranks ≤ 10 and divides by min(#relevant, 10)', () => {
    // relevant a, c, e, q (q not retrieved); ranking a b c d e
    // precision at rank 1 = 1/1, rank 3 = 2/3, rank 5 = 3/5 → sum = 2.266667
    // divided by min(4, 10) = 4 → 0.566667
    expect(averagePrecision(['a', 'b', 'c', 'd', 'e'], judg({ a: 1, c: 1, e: 1, q: 1 }))).toBeCloseTo((1 + 2 / 3 + 3 / 5) / 4, 12);
  });
  it('divides by 10 when there are more than 10 relevant documents', () => {
    // 12 relevant, all ranked first: precision 1 at ranks 1..10 → sum 10 → /min(12,10)=10 → 1
    const docs = ranks(12, 'r');
    expect(averagePrecision(docs, judg(Object.fromEntries(docs.map((d) => [d, 1]))))).toBe(1);
  });
  it('ignores relevant documents below rank 10', () => {
    // relevant at ranks 2 and 11: only rank 2 counts: 1/2; divided by min(2,10) = 2 → 0.25
    const r = ['x', 'a', ...ranks(8), 'b'];
    expect(r.indexOf('b')).toBe(10);
    expect(averagePrecision(r, judg({ a: 1, b: 1 }))).toBeCloseTo(0.25, 12);
  });
  it('counts graded judgments as relevant', () => {
    expect(averagePrecision(['a'], judg({ a: 3 }))).toBe(1);
  });
});

describe('evaluate', () => {
  it('averages over queries with relevant judgments and skips the others', () => {
    const runs = new Map<string, string[]>([
      ['q1', ['a', 'b', 'c']], // rel {b}: RR 1/2, R@10 1, nDCG 1/log2(3) = 0.630930, AP (1/2)/1 = 0.5
      ['q2', ['d', 'e']], // rel {d: 2, z: 1}: RR 1, R@10 1/2, nDCG 2/(2 + 1/log2(3)) = 0.760188, AP (1/1)/2 = 0.5
      ['q3', ['a']], // no relevant judgments → skipped
      // q4 has judgments but no run → counts with zeros
    ]);
    const qrels = new Map([
      ['q1', judg({ b: 1 })],
      ['q2', judg({ d: 2, z: 1 })],
      ['q3', judg({ a: 0 })],
      ['q4', judg({ k: 1 })],
    ]);
    const m = evaluate(runs, qrels, ['q1', 'q2', 'q3', 'q4', 'q5']);
    expect(m.queries).toBe(3); // q1 q2 q4
    expect(m.skipped).toBe(2); // q3 (only grade 0) and q5 (no judgments)
    expect(m.mrr10).toBeCloseTo((0.5 + 1 + 0) / 3, 12);
    expect(m.recall10).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(m.recall100).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(m.ndcg10).toBeCloseTo((1 / Math.log2(3) + 2 / (2 + 1 / Math.log2(3))) / 3, 10);
    expect(m.map10).toBeCloseTo((0.5 + 0.5 + 0) / 3, 12);
  });
  it('is all zeros with no judged queries', () => {
    expect(evaluate(new Map(), new Map(), ['q1'])).toEqual({ queries: 0, skipped: 1, mrr10: 0, recall10: 0, recall100: 0, ndcg10: 0, map10: 0 });
  });
});

describe('TREC formats', () => {
  it('parses qid<TAB>query lines, skipping blank lines and CRLF', () => {
    expect(parseQueries('q1\tالإرهاب في العراق\r\n\nq2\tأوبك\tالطاقة\n')).toEqual([
      { qid: 'q1', text: 'الإرهاب في العراق' },
      { qid: 'q2', text: 'أوبك\tالطاقة' },
    ]);
  });
  it('rejects a query line without a tab, naming file and line', () => {
    expect(() => parseQueries('q1\tok\nbroken line', 'q.tsv')).toThrow(TrecFormatError);
    expect(() => parseQueries('q1\tok\nbroken line', 'q.tsv')).toThrow('q.tsv:2:');
    expect(() => parseQueries('\tno id', 'q.tsv')).toThrow('q.tsv:1:');
  });
  it('parses qrels with graded relevance and any whitespace', () => {
    const q = parseQrels('q1 0 d1 1\nq1\t0\td2\t2\n\nq2 0 d3 0\n');
    expect([...q.keys()]).toEqual(['q1', 'q2']);
    expect(q.get('q1')).toEqual(judg({ d1: 1, d2: 2 }));
    expect(q.get('q2')).toEqual(judg({ d3: 0 }));
  });
  it('rejects malformed qrels lines, naming file and line', () => {
    expect(() => parseQrels('q1 0 d1 1\nq1 0 d2', 'qrels.txt')).toThrow('qrels.txt:2:');
    expect(() => parseQrels('q1 0 d1 yes', 'qrels.txt')).toThrow(TrecFormatError);
    expect(() => parseQrels('q1 0 d1 1 extra', 'qrels.txt')).toThrow('qrels.txt:1:');
  });
  it('writes run lines: qid Q0 docid rank score tag', () => {
    expect(runLine('q7', 'doc-3', 2, 1.23456789)).toBe('q7 Q0 doc-3 2 1.234568 fahras');
    expect(runLine('q7', 'doc-3', 2, 0, 'bm25')).toBe('q7 Q0 doc-3 2 0.000000 bm25');
    expect(runLine('1', 'd', 1, 3).split(' ')).toHaveLength(6);
  });
});
