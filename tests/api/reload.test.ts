/** Hot reload: a new generation written by buildIndex is swapped in while requests keep succeeding. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import type { RunningServer } from '../../src/server/serve.js';
import { buildFixtureIndex, startTestServer, waitFor, writeJsonl, type TempIndex } from '../helpers/server.js';

let idx: TempIndex;
let srv: RunningServer;

const NEW_DOCS = [
  { id: 'new-1', title: 'افتتاح متحف الخط العربي في جدة', text: 'افتتح في جدة متحف جديد للخط العربي يضم مخطوطات نادرة ولوحات لخطاطين معاصرين.', source: 'عكاظ', date: '2017-01-10' },
  { id: 'new-2', title: 'معرض للخط العربي في الرياض', text: 'يستضيف معرض الرياض أعمال الخط العربي الكوفي والنسخ والثلث بمشاركة عشرات الخطاطين.', source: 'الرياض', date: '2017-02-12' },
  { id: 'new-3', title: 'ورشة لتعليم الخط للأطفال', text: 'نظمت المكتبة العامة ورشة لتعليم الأطفال أساسيات الخط العربي وأدوات الكتابة بالقصب.', source: 'الوطن', date: '2017-03-14' },
];

beforeAll(async () => {
  idx = await buildFixtureIndex();
  srv = await startTestServer({ index: idx.index, reloadPollMs: 100, closeDelayMs: 300 });
});

afterAll(async () => {
  await srv?.close();
  idx?.cleanup();
});

async function stats(): Promise<{ documents: number; generation: string; reloads: number }> {
  const res = await fetch(`${srv.url}/api/stats`);
  expect(res.status).toBe(200);
  return res.json();
}

describe('hot reload', () => {
  it('swaps in a rebuilt index without failing a single request', async () => {
    const before = await stats();
    expect(before.documents).toBe(idx.documents);
    // Asked before the swap, so the old index's answer is in the result cache.
    const khatt = `${srv.url}/api/search?q=${encodeURIComponent('الخط')}`;
    const old = (await (await fetch(khatt)).json()) as { total: number };
    expect(old.total).toBe(0);

    // Requests in a loop for the whole time the index is rebuilt and swapped.
    const statuses: number[] = [];
    let stop = false;
    const paths = [`/api/search?q=${encodeURIComponent('الخط النفط')}`, '/api/stats', `/api/suggest?q=${encodeURIComponent('ال')}`, `/?q=${encodeURIComponent('النفط')}`];
    const loop = (async () => {
      for (let i = 0; !stop; i++) {
        const res = await fetch(srv.url + paths[i % paths.length]);
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    })();

    const input = join(idx.dir, 'new-docs');
    mkdirSync(input);
    writeJsonl(input, 'new', NEW_DOCS);
    await buildIndex({ input, out: idx.index });

    const after = await waitFor(async () => {
      const s = await stats();
      return s.documents === NEW_DOCS.length ? s : undefined;
    });
    // Keep the loop running a little past the swap and the old index's close.
    const seen = statuses.length;
    await waitFor(() => statuses.length >= seen + 20);
    stop = true;
    await loop;

    expect(after.generation).not.toBe(before.generation);
    expect(after.reloads).toBe(1);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // The same request now answers from the new index, not from the cache.
    const found = (await (await fetch(khatt)).json()) as { total: number; hits: { id: string }[] };
    expect(found.total).toBe(3);
    expect(found.hits.map((h) => h.id).sort()).toEqual(['new-1', 'new-2', 'new-3']);
    expect((await fetch(`${srv.url}/api/documents/srv-001`)).status).toBe(404);
  });

  it('keeps serving the old index when the new one cannot be loaded', async () => {
    const before = await stats();
    // Point CURRENT (atomically, as a build does) at a generation that does not exist.
    const tmp = join(idx.index, 'CURRENT.tmp-test');
    writeFileSync(tmp, 'gen-20990101-000000000-broken\n');
    renameSync(tmp, join(idx.index, 'CURRENT'));
    expect(await srv.holder!.reloadIfChanged()).toBe(false);
    expect(srv.holder!.ready).toBe(true);
    const after = await stats();
    expect(after.generation).toBe(before.generation);
    expect(after.documents).toBe(before.documents);
    expect((await fetch(`${srv.url}/api/search?q=${encodeURIComponent('الخط')}`)).status).toBe(200);

    // A good build afterwards is picked up again.
    const input = join(idx.dir, 'new-docs-2');
    mkdirSync(input);
    writeJsonl(input, 'more', NEW_DOCS.slice(0, 2));
    await buildIndex({ input, out: idx.index });
    await waitFor(async () => (await stats()).documents === 2);
  });

  it('reloads on request (what SIGHUP does) even when CURRENT did not change', async () => {
    const before = await stats();
    expect(await srv.holder!.reload(true)).toBe(true);
    const after = await stats();
    expect(after.reloads).toBe(before.reloads + 1);
    expect(after.documents).toBe(before.documents);
  });
});
