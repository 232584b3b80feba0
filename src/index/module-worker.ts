/**
 * Starts a module of this code base in a worker thread, running the same kind
 * of code as its caller. Compiled (dist/, the package, the container image),
 * the worker loads the module's .js file beside the caller's. From the
 * TypeScript sources (tests, `tsx` scripts), it registers tsx in the worker
 * first and imports the .ts file: tsx is a development dependency, and only
 * a run from the sources needs it.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts module `name` (a path relative to `caller`, the caller's `import.meta.url`, without extension). */
export function startModuleWorker(caller: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSource = caller.endsWith('.ts');
  const entry = new URL(`${name}${fromSource ? '.ts' : '.js'}`, caller);
  if (!fromSource) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
