import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * Where the engine worker's code is. The built app ships it beside this module (out/node/engine-worker.js);
 * run from source (tests, benchmarks), it is bundled once with esbuild into node_modules/.cache, keyed by the
 * source's hash so an edit rebuilds it, and written by rename so parallel test processes never see half a file.
 */
export async function engineWorkerUrl(): Promise<URL> {
  const built = new URL('./engine-worker.js', import.meta.url);
  if (built.protocol === 'file:' && existsSync(fileURLToPath(built))) return built;
  const here = sourceDir(dirname(fileURLToPath(import.meta.url)));
  const sources = ['worker.ts', 'protocol.ts'].map((f) => readFileSync(join(here, f)));
  const hash = createHash('sha256').update(Buffer.concat(sources)).digest('hex').slice(0, 16);
  const cacheDir = join(here, '..', '..', 'node_modules', '.cache', 'rewardranker');
  const out = join(cacheDir, `engine-worker-${hash}.mjs`);
  if (!existsSync(out)) {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [join(here, 'worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['onnxruntime-node'],
      write: false,
    });
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, result.outputFiles[0]!.contents);
    renameSync(tmp, out);
  }
  return new URL(`file://${out}`);
}
