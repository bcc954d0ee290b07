import { cpSync, existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, parse } from 'node:path';
import { ensureToolchainRoot } from '../toolchains/cache-root';
import { SANDBOX_WORK_DIR } from './types';

const mirrored = new Map<string, string>();

/** Whether "others" (the sandbox's unprivileged uid) can reach and read `path`: x on every ancestor, r(x) on it. */
function readableByOthers(path: string): boolean {
  const stat = statSync(path);
  if ((stat.mode & 0o004) === 0 || (stat.isDirectory() && (stat.mode & 0o001) === 0)) return false;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

/**
 * A host path the sandbox can bind read-only at the same path. bwrap runs as the unprivileged uid, so a path below
 * a private directory (a checkout under a 0700 temp dir, a home directory) cannot be its bind source, and one under
 * /tmp would be hidden by the sandbox's temp dir: such a path is copied once into the toolchain cache, keyed by
 * path and modification time, and callers use the copy's path.
 */
export function sandboxVisiblePath(path: string): string {
  const real = realpathSync(path);
  // Below the sandbox's temp dir a bind would be hidden by the sandbox's own tmpfs there.
  const hidden = real === SANDBOX_WORK_DIR || real.startsWith(`${SANDBOX_WORK_DIR}/`);
  if (!hidden && readableByOthers(real)) return real;
  const known = mirrored.get(real);
  if (known) return known;
  const key = createHash('sha256').update(`${real}\0${statSync(real).mtimeMs}`).digest('hex').slice(0, 16);
  const target = join(ensureToolchainRoot(), 'mirrors', key);
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    const temp = `${target}.copying-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    cpSync(real, temp, { recursive: true, dereference: true });
    renameSync(temp, target);
  }
  mirrored.set(real, target);
  return target;
}
