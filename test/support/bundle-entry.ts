import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

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
  });
  return outfile;
}
