import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** Vite's `?raw` imports (code in other languages, imported as text), for esbuild. */
const rawImports: Plugin = {
  name: 'raw-imports',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -'?raw'.length)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

/**
 * Bundles a TypeScript entry into a runnable .mjs, for tests that need our code in a separate process (to kill it
 * mid-write, say). Packages stay external and resolve from the project's node_modules.
 */
export async function bundleEntry(entry: string): Promise<string> {
  // Inside the project, so the bundle's bare imports resolve from node_modules as ES modules require.
  const cache = resolve('node_modules/.cache/rewardranker-tests');
  mkdirSync(cache, { recursive: true });
  const outfile = join(mkdtempSync(join(cache, 'bundle-')), 'entry.mjs');
  await build({
    entryPoints: [resolve(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    plugins: [rawImports],
  });
  return outfile;
}
