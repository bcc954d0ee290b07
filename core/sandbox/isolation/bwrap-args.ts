import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { SANDBOX_WORK_DIR } from './types';

export const BWRAP = '/usr/bin/bwrap';
/** The uid the sandbox runs as when we are root: RLIMIT_NPROC does not apply to uid 0, and root inside a user
 * namespace mapped to outer root would own every root-owned file. */
export const SANDBOX_UID = 65534;

export const SANDBOX_PATH = '/usr/bin:/bin:/usr/local/bin';

/** The environment every sandboxed program starts from (nothing of ours leaks in). */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: SANDBOX_PATH,
    HOME: SANDBOX_WORK_DIR,
    TMPDIR: SANDBOX_WORK_DIR,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    ...extra,
  };
}

/** Top-level system paths: merged-/usr systems make /bin, /lib... symlinks, which we recreate as symlinks. */
const SYSTEM_DIRS = ['/usr', '/etc', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

function systemBinds(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    if (!existsSync(dir)) continue;
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (stat.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

let cachedSystemBinds: string[] | null = null;

export interface BwrapOptions {
  readOnlyPaths: readonly string[];
  tempDirBytes: number;
  /** A host dir to bind writable as the temp dir instead of a tmpfs (for steps whose files we collect). */
  hostWorkDir?: string;
  env: Record<string, string>;
  /** More bwrap arguments after the temp dir is mounted (e.g. --file FD PATH to put files into it). */
  extra?: string[];
}

/**
 * The bwrap argv up to and including `--` (the command follows). Network, IPC, UTS, pid and cgroup namespaces are
 * all new; the system is read-only; the temp dir is the only writable place; /root, /home, /var, /run do not exist.
 */
export function bwrapArgs(options: BwrapOptions): string[] {
  cachedSystemBinds ??= systemBinds();
  const args = ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session'];
  args.push('--hostname', 'sandbox', ...cachedSystemBinds);
  // Callers name paths the unprivileged bwrap can read (sandboxVisiblePath); anything else fails here, loudly.
  for (const path of options.readOnlyPaths) if (existsSync(path)) args.push('--ro-bind', path, path);
  args.push('--proc', '/proc', '--dev', '/dev');
  if (options.hostWorkDir) args.push('--bind', options.hostWorkDir, SANDBOX_WORK_DIR);
  else args.push('--size', String(options.tempDirBytes), '--tmpfs', SANDBOX_WORK_DIR);
  // bwrap's own root and /dev are writable tmpfs mounts: make them read-only so the temp dir is the only place a
  // program can write (and so nothing outlives a job in a warm sandbox, whose temp dir is wiped between jobs).
  args.push(...(options.extra ?? []), '--remount-ro', '/dev', '--remount-ro', '/');
  args.push('--chdir', SANDBOX_WORK_DIR, '--clearenv');
  for (const [key, value] of Object.entries(options.env)) args.push('--setenv', key, value);
  args.push('--');
  return args;
}

/** Spawn options that drop root before bwrap starts (see SANDBOX_UID). */
export function dropRoot(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : {};
}
