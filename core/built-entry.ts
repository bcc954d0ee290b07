import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A worker or child-process entry built beside the calling module (out/node/<name>.js), or null when run from source. */
export function builtEntry(name: string, moduleUrl: string): URL | null {
  const built = new URL(`./${name}.js`, moduleUrl);
  return built.protocol === 'file:' && existsSync(fileURLToPath(built)) ? built : null;
}

export interface EntrySource {
  name: string;
  /** The source folder (core/<capability>) holding `source`. */
  dir: string;
  source: string;
  /** A hash of the sources the bundle depends on, so an edit rebuilds it. */
  key: string;
  /** Native packages the bundle must load at run time rather than inline. */
  external: string[];
}

/**
 * Run from source (tests, benchmarks), an entry is bundled once with esbuild into node_modules/.cache keyed by its
 * sources' hash, and written by rename so parallel test processes never see half a file.
 */
export async function bundledEntry({ name, dir, source, key, external }: EntrySource): Promise<URL> {
  const cacheDir = join(dir, '..', '..', 'node_modules', '.cache', 'rewardranker');
  const out = join(cacheDir, `${name}-${key}.mjs`);
  if (!existsSync(out)) {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [join(dir, source)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external,
      write: false,
    });
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, result.outputFiles[0]!.contents);
    renameSync(tmp, out);
  }
  return new URL(`file://${out}`);
}
