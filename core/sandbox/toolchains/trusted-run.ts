import { spawn } from 'node:child_process';
import { existsSync, lchownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, BWRAP, bwrapArgs, dropRoot, SANDBOX_UID } from '../isolation/bwrap-args';
import { ensureToolchainRoot } from './cache-root';

export interface TrustedRunResult {
  exitCode: number | null;
  output: string;
}

function chownTree(path: string, uid: number): void {
  lchownSync(path, uid, uid);
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid);
}

/**
 * Runs one of our own setup commands (building a cache from fixed inputs, never a candidate's code) in a sandbox
 * whose temp dir is the host directory `workDir`, so paths inside match the ones candidates' builds will see.
 * `writable` host directories are bound read-write at the same path. Without bubblewrap it returns null: the
 * caller then goes without the cache.
 */
export async function runTrustedSetup(
  argv: string[],
  options: { workDir: string; writable?: string[]; env?: Record<string, string>; timeoutMs: number },
): Promise<TrustedRunResult | null> {
  if (process.platform !== 'linux' || !existsSync(BWRAP)) return null;
  const drop = dropRoot();
  if (drop.uid !== undefined) for (const dir of [options.workDir, ...(options.writable ?? [])]) chownTree(dir, SANDBOX_UID);
  const extra: string[] = [];
  for (const dir of options.writable ?? []) extra.push('--bind', dir, dir);
  const args = bwrapArgs({
    readOnlyPaths: [ensureToolchainRoot()],
    tempDirBytes: 1,
    hostWorkDir: options.workDir,
    env: baseEnv(options.env),
    extra,
  });
  return new Promise((resolve) => {
    const child = spawn(BWRAP, [...args, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...drop });
    let output = '';
    const keep = (chunk: Buffer): void => {
      if (output.length < 16_384) output += chunk.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: null, output: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, output });
    });
  });
}
