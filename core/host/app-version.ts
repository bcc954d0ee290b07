import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

let cached: string | null = null;

/** The version in the package.json above this file, in the source tree and in the built out/ alike. */
export function appVersion(): string {
  if (cached !== null) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rewardranker-studio' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // not at this level; keep climbing
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}
