/**
 * The OpenSearch engine on the run's one-node cluster, beside the local engine on the same
 * documents: the same answers (totals, facets, did-you-mean, suggestions, documents, and hits
 * byte for byte but their scores), phrases at fahras's own offsets, ids the cluster could not
 * take as they are, writes with read-your-writes, atomic rebuilds, and one clear error when the
 * cluster or the index is not there. No part of OpenSearch is mocked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FahrasError } from '../../src/common/errors.js';
import type { OpenSearchSettings } from '../../src/common/defaults.js';
import { buildIndex } from '../../src/index/build.js';
import { LocalEngine } from '../../src/engine/local.js';
import { OpenSearchEngine } from '../../src/engine/opensearch/engine.js';
import { buildOpenSearchIndex } from '../../src/engine/opensearch/indexing.js';
import { aliasTargets, buildsOf } from '../../src/engine/opensearch/aliases.js';
import { NO_SOURCE, type SearchOptions, type SearchResult } from '../../src/search/types.js';
import { buildFixtureIndex, clusterSettings, dropAlias, writeJsonl, type TempIndex } from '../helpers/server.js';

let fx: TempIndex;
let local: LocalEngine;
let os: OpenSearchEngine;
let client: Client;

beforeAll(async () => {
  fx = await buildFixtureIndex('opensearch');
  local = new LocalEngine(fx.index, { watch: false, pollMs: 0 });
  os = new OpenSearchEngine(fx.opensearch!);
  client = new Client({ nodes: fx.opensearch!.urls });
  await Promise.all([local.start(), os.start()]);
});

afterAll(async () => {
  await local?.close();
  await os?.close();
  await client?.close();
  await fx?.cleanup();
});

interface EnginePair {
  local: LocalEngine;
  os: OpenSearchEngine;
  settings: OpenSearchSettings;
  close(): Promise<void>;
}

/** The same documents in a local index and in a fresh alias of the run's cluster, and a started engine on each. */
async function enginePair(name: string, docs: Record<string, unknown>[]): Promise<EnginePair> {
  const dir = mkdtempSync(join(tmpdir(), `fahras-os-${name}-`));
  const input = writeJsonl(dir, name, docs);
  const settings = clusterSettings(name);
  await Promise.all([buildIndex({ input, out: join(dir, 'index') }), buildOpenSearchIndex({ input, opensearch: settings, replicas: 0 })]);
  const pair = { local: new LocalEngine(join(dir, 'index'), { watch: false, pollMs: 0 }), os: new OpenSearchEngine(settings), settings };
  await Promise.all([pair.local.start(), pair.os.start()]);
  return {
    ...pair,
    close: async () => {
      await Promise.all([pair.local.close(), pair.os.close()]);
      await dropAlias(settings);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A hit without its score: engines rank with their own BM25 arithmetic, so scores differ while the rest is the same. */
const shown = (r: SearchResult) => new Map(r.hits.map((h) => [h.id, JSON.stringify({ ...h, score: 0 })]));

describe('the same answers as the local engine', () => {
  const queries = [
    'النفط',
    'أسعار النفط',
    '"أسعار النفط"',
    'الهلال التمور',
    'النفظ',
    'اختراق',
    'النفط -صادرات',
    'والنفط',
    'المرجان',
    'قطار الحرمين',
    'تمور*',
    'Brent crude',
    'في من',
    '<script>',
  ];
  const options: SearchOptions[] = [{}, { mode: 'all' }, { filters: { source: 'الرياض' } }, { filters: { source: NO_SOURCE } }, { filters: { source: 'لا يوجد' } }, { filters: { from: '2016-01-01', to: '2016-12-31' } }, { limit: 2, offset: 1 }, { sort: 'newest' }, { collapse: true }, { correct: true }];
  for (const q of queries) {
    it(`for «${q}» under every option`, async () => {
      for (const o of options) {
        const [a, b] = await Promise.all([local.search(q, o), os.search(q, o)]);
        const what = `${q} ${JSON.stringify(o)}`;
        expect(b.total, what).toBe(a.total);
        expect(b.facets, what).toEqual(a.facets);
        expect(b.didYouMean, what).toBe(a.didYouMean);
        expect(b.correction, what).toEqual(a.correction);
        expect(b.collapse, what).toEqual(a.collapse);
        // Every hit both engines return is the same byte for byte (title, snippet, highlights, metadata in its order).
        const sa = shown(a);
        const sb = shown(b);
        for (const [id, hit] of sb) if (sa.has(id)) expect(hit, `${what} ${id}`).toBe(sa.get(id));
        // When every match fits on the page, both return the same documents.
        if (a.total <= (o.limit ?? 10) && !o.offset) expect([...sb.keys()].sort(), what).toEqual([...sa.keys()].sort());
        const scores = b.hits.map((h) => h.score);
        if (o.sort !== 'newest') expect([...scores].sort((x, y) => y - x), what).toEqual(scores);
      }
    });
  }

  it('ranks the fixture\'s questions in the same order where scores are not near-ties', async () => {
    for (const q of ['النفط', 'أسعار النفط', 'الهلال التمور', 'قطار الحرمين', 'اختراق المواقع']) {
      const [a, b] = await Promise.all([local.search(q), os.search(q)]);
      expect(b.hits.map((h) => h.id), q).toEqual(a.hits.map((h) => h.id));
    }
  });

  it('matches phrases at fahras\'s offsets: stop words keep their places', async () => {
    // «مستوى له منذ شهرين»: له and منذ are stop words, so شهرين is three words after مستوى.
    for (const e of [local, os]) {
      expect((await e.search('"مستوى له منذ شهرين"')).hits.map((h) => h.id), e.kind).toEqual(['srv-002']);
      expect((await e.search('"مستوى عن من شهرين"')).hits.map((h) => h.id), e.kind).toEqual(['srv-002']);
      expect((await e.search('"مستوى شهرين"')).total, e.kind).toBe(0);
      expect((await e.search('"شهرين منذ له مستوى"')).total, e.kind).toBe(0);
    }
  });

  it('suggests the same completions, with their spellings and counts', async () => {
    for (const input of ['أسعار النف', 'ال', 'ا', 'الط', 'تم', 'ق', 'النفط ', 'xyz']) expect(await os.suggest(input), input).toEqual(await local.suggest(input));
    expect(await os.suggest('ال', 3)).toHaveLength(3);
  });

  it('returns documents and their highlights alike', async () => {
    for (const id of ['srv-001', 'srv-007', 'srv-008', '000_007ff8f57a8682c6']) {
      expect(await os.getDocument(id), id).toEqual(await local.getDocument(id));
      expect(JSON.stringify(await os.highlightDocument(id, 'المرجان النفط')), id).toBe(JSON.stringify(await local.highlightDocument(id, 'المرجان النفط')));
    }
    expect(await os.getDocument('no-such-doc')).toBeUndefined();
    expect(await os.highlightDocument('no-such-doc', 'النفط')).toBeUndefined();
  });

  it('refuses bad paging and dates as the local engine does', async () => {
    for (const o of [{ limit: -1 }, { offset: 1.5 }, { filters: { from: '2015-02-30' } }]) {
      await expect(os.search('النفط', o)).rejects.toMatchObject({ kind: 'invalid_parameter' });
      await expect(local.search('النفط', o)).rejects.toMatchObject({ kind: 'invalid_parameter' });
    }
  });

  it('reports its index: documents, the build, the physical index behind the alias, the cluster', async () => {
    const s = await os.stats();
    expect(s).toMatchObject({ engine: 'opensearch', documents: fx.documents, alias: fx.opensearch!.index, segments: 1, deleted: 0 });
    expect(s.generation).toMatch(new RegExp(`^${fx.opensearch!.index}-\\d{8}t\\d{9}z-[0-9a-f]{4}$`));
    expect(s.terms).toBe((await local.stats()).terms);
    expect(s.bytes).toBeGreaterThan(0);
    expect(s.cluster).toMatchObject({ status: 'green', nodes: 1 });
    expect(os.status()).toEqual({ ready: true, documents: fx.documents });
  });
});

describe('documents the cluster could not take as they are', () => {
  const docs = [
    { id: 'د'.repeat(400), title: 'معرف طويل جدا', text: 'وثيقة معرفها أطول من خمسمائة واثني عشر بايتا في العنقود' },
    { id: 'a/b?c#d %2F', title: 'رموز في المعرف', text: 'معرف فيه شرطة مائلة وعلامة استفهام' },
    { id: 'ligature', title: 'الصلاة على النبي', text: 'قال النبي ﷺ إن الدين يسر' },
  ];
  let pair: EnginePair;
  let l: LocalEngine;
  let o: OpenSearchEngine;

  beforeAll(async () => {
    pair = await enginePair('odd', docs);
    ({ local: l, os: o } = pair);
  });

  afterAll(() => pair?.close());

  it('finds and returns them by their own ids', async () => {
    for (const d of docs) expect(await o.getDocument(d.id), d.id.slice(0, 20)).toEqual({ ...d, metadata: {} });
    expect((await o.search('خمسمائة')).hits.map((h) => h.id)).toEqual([docs[0].id]);
    expect((await o.search('استفهام')).hits.map((h) => h.id)).toEqual([docs[1].id]);
  });

  it('reads a ligature as its words, at the positions the local index gives them', async () => {
    // ﷺ is four words, عليه a stop word among them: «الله عليه وسلم» matches it, «الله وسلم» (adjacent) does not.
    for (const [q, n] of [['"الله عليه وسلم"', 1], ['"النبي صلى الله عليه وسلم إن"', 1], ['"الله وسلم"', 0], ['"وسلم الله"', 0]] as const) {
      expect((await l.search(q)).total, q).toBe(n);
      expect((await o.search(q)).total, q).toBe(n);
    }
  });

  it('deletes and replaces them by their own ids', async () => {
    const long = docs[0].id;
    const r = await o.write([[{ op: 'put', doc: { id: long, title: 'معرف طويل', text: 'نص جديد عن الزيتون', metadata: {} } }, { op: 'delete', id: docs[1].id }]]);
    expect(r.outcomes).toEqual([{ added: [], replaced: [long], deleted: [docs[1].id], notFound: [] }]);
    expect((await o.search('الزيتون')).hits.map((h) => h.id)).toEqual([long]);
    expect(await o.getDocument(docs[1].id)).toBeUndefined();
  });
});

describe('writes', () => {
  let pair: EnginePair;
  let l: LocalEngine;
  let o: OpenSearchEngine;
  const base = [
    { id: 'w1', title: 'زراعة النخيل في الأحساء', text: 'تشتهر الأحساء بزراعة النخيل وإنتاج التمور', source: 'اليوم' },
    { id: 'w2', title: 'موسم الحج', text: 'بدأت طلائع الحجاج بالوصول إلى مكة المكرمة', source: 'عكاظ' },
  ];

  beforeAll(async () => {
    pair = await enginePair('writes', base);
    ({ local: l, os: o } = pair);
  });

  afterAll(() => pair?.close());

  it('tells each batch\'s outcome as the local engine does, and the next search sees the write', async () => {
    const batches = [
      [
        { op: 'put' as const, doc: { id: 'w3', title: 'القهوة السعودية', text: 'تقدم القهوة السعودية مع التمر في المجالس', metadata: { source: 'الوطن' } } },
        { op: 'delete' as const, id: 'w2' },
        { op: 'delete' as const, id: 'nope' },
      ],
      [{ op: 'put' as const, doc: { id: 'w1', title: 'زراعة النخيل', text: 'تغير موعد جني التمور هذا العام', metadata: { source: 'اليوم' } } }],
    ];
    const before = o.version;
    const [a, b] = await Promise.all([l.write(batches), o.write(batches)]);
    expect(b.outcomes).toEqual(a.outcomes);
    expect(b.commit.documents).toBe(a.commit.documents);
    expect(o.version).not.toBe(before);
    // Read your writes: answered only once searchable.
    for (const q of ['القهوة', 'الحجاج', 'جني', 'الأحساء']) {
      const [x, y] = await Promise.all([l.search(q), o.search(q)]);
      expect(y.hits.map((h) => h.id), q).toEqual(x.hits.map((h) => h.id));
      expect(y.facets, q).toEqual(x.facets);
    }
    expect(o.status()).toEqual({ ready: true, documents: 2 });
  });

  it('keeps the word list\'s counts: suggestions follow the writes', async () => {
    await o.write([[{ op: 'put', doc: { id: 'w4', title: 'القهوة العربية', text: 'القهوة والهيل', metadata: {} } }]]);
    await l.write([[{ op: 'put', doc: { id: 'w4', title: 'القهوة العربية', text: 'القهوة والهيل', metadata: {} } }]]);
    expect(await o.suggest('القه')).toEqual(await l.suggest('القه'));
    expect((await o.suggest('القه'))[0]).toMatchObject({ term: 'القهوة', count: 2 });
    expect(await o.suggest('الحج')).toEqual([]);
    expect(await o.suggest('والهي')).toEqual([{ term: 'والهيل', query: 'والهيل', count: 1 }]);
  });

  it('answers a write the cluster refuses with a clear error and changes nothing', async () => {
    const index = (await aliasTargets(client, pair.settings.index))[0];
    await client.indices.putSettings({ index, body: { index: { blocks: { write: true } } } });
    try {
      const e = await o.write([[{ op: 'put', doc: { id: 'w5', title: 'ممنوع', text: 'لن يكتب هذا', metadata: {} } }, { op: 'delete', id: 'w1' }]]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(FahrasError);
      expect((e as FahrasError).message).toMatch(/refused 2 of the write's 2 operations .*"w5".*cluster_block_exception.*nothing was changed/);
      expect(await o.getDocument('w1')).toBeDefined();
      expect(await o.getDocument('w5')).toBeUndefined();
    } finally {
      await client.indices.putSettings({ index, body: { index: { blocks: { write: false } } } });
    }
    await o.write([[{ op: 'put', doc: { id: 'w5', title: 'مسموح', text: 'يكتب هذا الآن', metadata: {} } }]]);
    expect((await o.search('مسموح')).hits.map((h) => h.id)).toEqual(['w5']);
  });
});

describe('atomic rebuilds', () => {
  let dir: string;
  let settings: OpenSearchSettings;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fahras-os-rebuild-'));
    settings = clusterSettings('rebuild');
  });

  afterAll(async () => {
    if (settings) await dropAlias(settings);
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves the alias to each new build, keeps the previous one for rollback and removes the older ones', async () => {
    const names: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const input = writeJsonl(dir, `gen${i}`, [{ id: `r${i}`, title: `النسخة ${i}`, text: `بناء رقم ${i} للفهرس` }]);
      const s = await buildOpenSearchIndex({ input, opensearch: settings, replicas: 0 });
      names.push(s.index);
      expect(await aliasTargets(client, settings.index)).toEqual([s.index]);
      expect(s.previous).toEqual(i === 1 ? [] : [names[i - 2]]);
      if (i === 3) expect(s.removed).toEqual([names[0], `${names[0]}-terms`]);
    }
    expect((await buildsOf(client, settings.index)).map((b) => b.index)).toEqual(names.slice(1));
    expect((await client.indices.exists({ index: `${names[0]}-terms` })).body).toBe(false);
  });

  it('leaves the alias where it was when a build fails: every document refused, and the unfinished index removed', async () => {
    const before = await aliasTargets(client, settings.index);
    // A real refusal by the cluster: an index template that blocks writes to this alias's new indices.
    await client.indices.putIndexTemplate({ name: `${settings.index}-blocked`, body: { index_patterns: [`${settings.index}-*`], priority: 100, template: { settings: { 'index.blocks.write': true } } } });
    const refused: { id: string; reason: string }[] = [];
    try {
      const input = writeJsonl(dir, 'refused', [
        { id: 'x1', title: 'مرفوض', text: 'لن يقبل العنقود هذه الوثيقة' },
        { id: 'x2', title: 'مرفوض أيضا', text: 'ولا هذه' },
      ]);
      const e = await buildOpenSearchIndex({ input, opensearch: settings, replicas: 0, onRejected: (r) => refused.push(r) }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(FahrasError);
      expect((e as FahrasError).message).toMatch(/no documents to index .*2 refused by the cluster/);
    } finally {
      await client.indices.deleteIndexTemplate({ name: `${settings.index}-blocked` });
    }
    expect(refused.map((r) => r.id).sort()).toEqual(['x1', 'x2']);
    expect(refused[0].reason).toMatch(/cluster_block_exception/);
    expect(await aliasTargets(client, settings.index)).toEqual(before);
    expect((await buildsOf(client, settings.index)).map((b) => b.index)).toHaveLength(2);
  });

  it('with keep 0, removes the previous build at once', async () => {
    const input = writeJsonl(dir, 'gen4', [{ id: 'r4', title: 'النسخة الرابعة', text: 'بناء أخير' }]);
    const s = await buildOpenSearchIndex({ input, opensearch: settings, replicas: 0, keep: 0 });
    expect((await buildsOf(client, settings.index)).map((b) => b.index)).toEqual([s.index]);
  });
});

describe('start-up without a cluster or an index', () => {
  it('says in one line that the cluster cannot be reached', async () => {
    const e = new OpenSearchEngine({ urls: ['http://127.0.0.1:9'], index: 'fahras', checkMs: 1000 });
    const err = await e.start().catch((x: unknown) => x);
    await e.close();
    expect(err).toBeInstanceOf(FahrasError);
    expect((err as FahrasError).kind).toBe('unavailable');
    expect((err as FahrasError).message).toBe('cannot reach the search cluster at http://127.0.0.1:9: cannot connect (ECONNREFUSED)');
  });

  it('says in one line that the index is missing, or is not one fahras built', async () => {
    const missing = new OpenSearchEngine({ ...fx.opensearch!, index: 'no-such-alias' });
    const err = await missing.start().catch((x: unknown) => x);
    await missing.close();
    expect((err as FahrasError).kind).toBe('bad_index');
    expect((err as FahrasError).message).toMatch(/^the search cluster at http:\/\/127\.0\.0\.1:\d+ has no index "no-such-alias": build it with fahras index --engine opensearch/);
    expect((err as FahrasError).message).not.toContain('\n');

    const alias = `foreign-${process.pid}`;
    await client.indices.create({ index: `${alias}-data`, body: { aliases: { [alias]: {} } } });
    try {
      const foreign = new OpenSearchEngine({ ...fx.opensearch!, index: alias });
      const err2 = await foreign.start().catch((x: unknown) => x);
      await foreign.close();
      expect((err2 as FahrasError).message).toBe(`"${alias}" points at ${alias}-data, which fahras did not build: build it with fahras index --engine opensearch`);
    } finally {
      await client.indices.delete({ index: `${alias}-data` });
    }
  });
});
