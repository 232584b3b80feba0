/**
 * A search load for failover tests and benchmarks: `connections` clients, each sending its next
 * request as soon as the last is answered, for `durationMs` (and as long as a scheduled event
 * runs), rotating over `paths`. Every answer
 * is counted by status (a connection error counts as status 0); latencies give p50 and p99.
 * Events (a node killed, a build started) can be scheduled at times into the run.
 */

export interface LoadResult {
  requests: number;
  /** Answers other than 200, by status (0: no answer at all). */
  failures: Record<string, number>;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  seconds: number;
  /** Requests per second. */
  rate: number;
}

export interface LoadOptions {
  base: string;
  paths: readonly string[];
  connections: number;
  durationMs: number;
  /** Things to do at given times into the run (ms); the load goes on until they are done, and `afterEventsMs` more. */
  events?: { atMs: number; run: () => Promise<unknown> }[];
  afterEventsMs?: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const t0 = performance.now();
  let end = t0 + o.durationMs;
  let pending = o.events?.length ?? 0;
  let next = 0;
  const client = async () => {
    while (pending > 0 || performance.now() < end) {
      const path = o.paths[next++ % o.paths.length];
      const s = performance.now();
      let status: number;
      try {
        const res = await fetch(o.base + path);
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0;
      }
      latencies.push(performance.now() - s);
      if (status !== 200) failures[status] = (failures[status] ?? 0) + 1;
    }
  };
  const events = (o.events ?? []).map(async (e) => {
    await new Promise((r) => setTimeout(r, e.atMs));
    try {
      return await e.run();
    } finally {
      if (--pending === 0) end = Math.max(end, performance.now() + (o.afterEventsMs ?? 0));
    }
  });
  await Promise.all([...Array.from({ length: o.connections }, client), ...events]);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    requests: latencies.length,
    failures,
    failed: Object.values(failures).reduce((a, b) => a + b, 0),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? 0),
    seconds: round(seconds),
    rate: Math.round(latencies.length / seconds),
  };
}
