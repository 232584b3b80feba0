/**
 * Compiles one commit of fahras (default HEAD) into bench/out/rev-<sha>/dist,
 * so a benchmark session measures a fixed build while others edit src/ and
 * rebuild dist/. Prints the dist path; point the benchmarks at it with
 *
 *   export FAHRAS_BENCH_DIST=$(npx tsx bench/snapshot.ts [--rev HEAD])
 *
 * The tree keeps the repository layout (src/, seeds/ beside dist/), and
 * node_modules resolves from the repository root.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, REPO, arg } from './common.js';

export function snapshot(rev = 'HEAD'): string {
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: REPO }).toString().trim();
  const root = join(OUT, `rev-${sha}`);
  const dist = join(root, 'dist');
  if (existsSync(join(dist, 'cli', 'main.js'))) return dist;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const paths = ['src', 'seeds', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
  const tar = execFileSync('git', ['archive', '--format=tar', sha, ...paths.filter((p) => existsSync(join(REPO, p)))], { cwd: REPO, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', root], { input: tar });
  execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  return dist;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(snapshot(arg('rev', 'HEAD')));
}
