import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { dir: string; version: string } | null = null;

/**
 * The folder of our package.json, found by walking up from this module: the same answer from the source tree, the
 * build in out/, a test bundle, or a packaged app's asar archive. Resources (the embedded default set) live below it.
 */
export function appRoot(): { dir: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rewardranker-studio' && typeof pkg.version === 'string') return (cached = { dir, version: pkg.version });
    } catch {
      // no package.json of ours at this level: keep climbing
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find RewardRanker's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
