import { mkdirSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where toolchain caches live (precompiled headers, a prewarmed Go build cache, compile servers' classes). It is
 * bound read-only into every sandbox, so it must be readable by the sandbox's unprivileged uid: not under /root or
 * a home directory, and not under /tmp (the sandbox's own temp dir is mounted there).
 */
export function toolchainCacheRoot(): string {
  const fromEnv = process.env['REWARDRANKER_TOOLCHAIN_CACHE'];
  if (fromEnv) return fromEnv;
  const base = process.platform === 'linux' ? '/var/tmp' : tmpdir();
  return join(base, `rewardranker-toolchains-${process.getuid?.() ?? 'user'}`);
}

/** Creates the cache root (world-readable, ours) and returns it; refuses a root someone else owns. */
export function ensureToolchainRoot(): string {
  const root = toolchainCacheRoot();
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const owner = statSync(root).uid;
  const me = process.getuid?.();
  if (me !== undefined && owner !== me) {
    throw new Error(`${root}: owned by uid ${owner}, not by us (uid ${me}); set REWARDRANKER_TOOLCHAIN_CACHE`);
  }
  return root;
}

const building = new Map<string, Promise<string>>();

/**
 * A directory under the cache root, built once: `build` fills a fresh directory that is then renamed into place,
 * so a half-built cache is never used and two processes racing both end with a complete one.
 */
export function buildOnce(name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const pending = building.get(name);
  if (pending) return pending;
  const task = (async () => {
    const final = join(ensureToolchainRoot(), name);
    if (existsSync(final)) return final;
    const temp = `${final}.building-${process.pid}-${Date.now()}`;
    mkdirSync(temp, { recursive: true, mode: 0o755 });
    try {
      await build(temp);
      try {
        renameSync(temp, final);
      } catch (err) {
        if (!existsSync(final)) throw err;
      }
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    return final;
  })();
  building.set(name, task);
  task.catch(() => building.delete(name));
  return task;
}
