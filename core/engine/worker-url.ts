import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtEntry, bundledEntry } from '../built-entry';

/**
 * The folder holding worker.ts: this module's own when run from source, else the nearest core/engine above it
 * (a script bundled somewhere inside the project) or below the working directory.
 */
function sourceDir(start: string): string {
  if (existsSync(join(start, 'worker.ts'))) return start;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'core', 'engine', 'worker.ts'))) return join(dir, 'core', 'engine');
    if (dirname(dir) === dir) break;
  }
  const fromCwd = join(process.cwd(), 'core', 'engine');
  if (existsSync(join(fromCwd, 'worker.ts'))) return fromCwd;
  throw new Error(`the engine worker is neither built beside ${start} (engine-worker.js) nor found as core/engine/worker.ts`);
}

/**
 * Where a Node entry of the engine is. The built app ships it beside this module (out/node/<name>.js); run from
 * source (tests, benchmarks), it is bundled once with esbuild into node_modules/.cache, keyed by the hash of every
 * engine source file so an edit rebuilds it, and written by rename so parallel test processes never see half a file.
 */
async function engineEntryUrl(name: string, source: string): Promise<URL> {
  const built = builtEntry(name, import.meta.url);
  if (built) return built;
  const here = sourceDir(dirname(fileURLToPath(import.meta.url)));
  const files = readdirSync(here).filter((f) => f.endsWith('.ts')).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(here, f)));
  return bundledEntry({ name, dir: here, source, key: hash.digest('hex').slice(0, 16), external: ['onnxruntime-node', 'esbuild'] });
}

/** The engine worker thread's code (worker.ts). */
export function engineWorkerUrl(): Promise<URL> {
  return engineEntryUrl('engine-worker', 'worker.ts');
}

/** The provider check's child process (provider-check-child.ts). */
export function providerCheckUrl(): Promise<URL> {
  return engineEntryUrl('provider-check', 'provider-check-child.ts');
}
