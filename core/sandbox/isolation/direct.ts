import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import type { Limits } from '../limits';
import { baseEnv, bwrapArgs, BWRAP, dropRoot } from './bwrap-args';
import { CappedCapture } from './capture';
import type { RawOutcome, SandboxFile, SandboxJob } from './types';
import { SANDBOX_WORK_DIR } from './types';
import { errorMessage } from '../../error-message';

const PRLIMIT = '/usr/bin/prlimit';

/** CPU seconds allowed: the wall timeout rounded up, plus one, so wall time normally decides. */
export function cpuSeconds(limits: Limits): number {
  return Math.floor(limits.timeoutMs / 1000) + 1;
}

export function checkedRelative(path: string): string {
  const clean = normalize(path);
  if (isAbsolute(clean) || clean.startsWith('..')) throw new Error(`sandbox file '${path}' must be relative and stay inside the temp dir`);
  return clean;
}

/**
 * prlimit runs inside the sandbox, after bwrap made the user namespace: RLIMIT_NPROC then counts the processes of
 * this sandbox only (the kernel counts per user namespace), so parallel sandboxes don't share one budget. Set
 * before bwrap, it would count every process of uid 65534 on the machine.
 */
function rlimitArgs(job: SandboxJob): string[] {
  const l = job.limits;
  const args = [
    `--cpu=${cpuSeconds(l)}:${cpuSeconds(l) + 1}`,
    `--fsize=${l.fileSizeBytes}`,
    `--nofile=${l.openFiles}`,
    `--nproc=${l.processes}`,
    '--core=0',
  ];
  if (job.addressSpaceLimit) args.push(`--as=${job.addressSpaceBytes ?? l.memoryBytes}`);
  return args;
}

/**
 * The fallback's rlimits through the POSIX shell (no prlimit on macOS); RLIMIT_NPROC is left out: it is per user.
 * A limit the shell can't set (macOS has no `ulimit -v`) is skipped rather than failing every program.
 */
function shellUlimits(job: SandboxJob): string {
  const l = job.limits;
  const parts = [`ulimit -t ${cpuSeconds(l)}`, `ulimit -f ${Math.floor(l.fileSizeBytes / 512)}`, `ulimit -n ${l.openFiles}`];
  if (job.addressSpaceLimit) parts.push(`ulimit -v ${Math.floor((job.addressSpaceBytes ?? l.memoryBytes) / 1024)}`);
  return parts.map((p) => `${p} 2>/dev/null;`).join(' ');
}

function writeHostFiles(dir: string, files: SandboxFile[], owner: { uid?: number; gid?: number }): void {
  for (const file of files) {
    const path = join(dir, checkedRelative(file.path));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content, { mode: file.executable ? 0o755 : 0o644 });
    if (owner.uid !== undefined) chownSync(path, owner.uid, owner.gid ?? owner.uid);
  }
}

function collectHostFiles(dir: string, names: string[] | undefined): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const name of names ?? []) {
    const path = join(dir, checkedRelative(name));
    if (existsSync(path)) out[name] = readFileSync(path);
  }
  return out;
}

function sandboxRoot(): string {
  const root = join(tmpdir(), `rewardranker-sandbox-${process.getuid?.() ?? 'user'}`);
  mkdirSync(root, { recursive: true, mode: 0o711 });
  return root;
}

export interface DirectOptions {
  mechanism: 'bubblewrap' | 'process-group';
  readOnlyPaths: readonly string[];
}

/**
 * One job in a fresh process: under bubblewrap (a new sandbox per job, the baseline and the fallback for steps
 * whose files are collected) or, where bubblewrap can't run, in its own process group with shell rlimits.
 * Output is capped while streaming; the timeout kills bwrap (so the namespace) or the whole process group.
 */
export async function runDirect(job: SandboxJob, options: DirectOptions): Promise<RawOutcome> {
  const started = performance.now();
  const env = baseEnv(job.env);
  const needHostDir = options.mechanism === 'process-group' || (job.collect?.length ?? 0) > 0;
  const owner = options.mechanism === 'bubblewrap' ? dropRoot() : {};
  let hostDir: string | null = null;
  let command: string;
  let args: string[];
  const fileStreams: SandboxFile[] = [];
  try {
    if (needHostDir) {
      hostDir = mkdtempSync(join(sandboxRoot(), 'job-'));
      if (owner.uid !== undefined) chownSync(hostDir, owner.uid, owner.gid ?? owner.uid);
      writeHostFiles(hostDir, job.files, owner);
    }
    if (options.mechanism === 'bubblewrap') {
      const extra: string[] = [];
      if (!hostDir) {
        const dirs = new Set<string>();
        job.files.forEach((file, i) => {
          const rel = checkedRelative(file.path);
          for (let d = dirname(rel); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);
          extra.push('--perms', file.executable ? '0755' : '0644', '--file', String(3 + i), `${SANDBOX_WORK_DIR}/${rel}`);
          fileStreams.push(file);
        });
        const dirArgs = [...dirs].sort().flatMap((d) => ['--dir', `${SANDBOX_WORK_DIR}/${d}`]);
        extra.unshift(...dirArgs);
      }
      command = BWRAP;
      args = [
        ...bwrapArgs({ readOnlyPaths: options.readOnlyPaths, tempDirBytes: job.limits.tempDirBytes, hostWorkDir: hostDir ?? undefined, env, extra }),
        PRLIMIT,
        ...rlimitArgs(job),
        '--',
        ...job.argv,
      ];
    } else {
      command = '/bin/sh';
      args = ['-c', `${shellUlimits(job)} exec "$@"`, 'sh', ...job.argv];
      env.HOME = hostDir!;
      env.TMPDIR = hostDir!;
    }
  } catch (err) {
    if (hostDir) rmSync(hostDir, { recursive: true, force: true });
    return failed(`cannot prepare the sandbox: ${errorMessage(err)}`, started);
  }
  return await new Promise<RawOutcome>((resolve) => {
    const child = spawn(command, args, {
      cwd: hostDir ?? '/',
      env: options.mechanism === 'bubblewrap' ? { PATH: process.env.PATH ?? '/usr/bin:/bin' } : env,
      stdio: ['ignore', 'pipe', 'pipe', ...fileStreams.map(() => 'pipe' as const)],
      detached: options.mechanism === 'process-group',
      ...owner,
    });
    let timedOut = false;
    let outputLimitExceeded = false;
    let totalOut = 0;
    const killTree = (): void => {
      if (child.pid === undefined) return;
      try {
        if (options.mechanism === 'process-group') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const onBytes = (n: number): void => {
      totalOut += n;
      if (totalOut > job.limits.outputHardCapBytes && !outputLimitExceeded) {
        outputLimitExceeded = true;
        killTree();
      }
    };
    const stdout = new CappedCapture(job.limits.outputBytes, child.stdout, onBytes);
    const stderr = new CappedCapture(job.limits.outputBytes, child.stderr, onBytes);
    fileStreams.forEach((file, i) => {
      const stream = child.stdio[3 + i];
      if (stream && 'end' in stream) {
        stream.on('error', () => undefined);
        stream.end(file.content);
      }
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, job.limits.timeoutMs);
    let spawnError: string | null = null;
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Background children left in the group (the fall-back has no pid namespace to end them).
      if (options.mechanism === 'process-group') killTree();
      const collected = hostDir && code === 0 ? collectHostFiles(hostDir, job.collect) : {};
      if (hostDir) rmSync(hostDir, { recursive: true, force: true });
      const errText = stderr.result();
      // bwrap reports its own setup failures on stderr with exit 1 before the program exists.
      const bwrapFailed = options.mechanism === 'bubblewrap' && code === 1 && errText.text.startsWith('bwrap:');
      resolve({
        exitCode: code,
        signal: signal,
        timedOut,
        outputLimitExceeded,
        wallMs: performance.now() - started,
        cpuMs: null,
        stdout: stdout.result(),
        stderr: errText,
        collected,
        sandboxError: spawnError ? `cannot start ${command}: ${spawnError}` : bwrapFailed ? errText.text.trim() : null,
        supervisorLost: false,
      });
    });
  });
}

export function failed(message: string, started: number): RawOutcome {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    outputLimitExceeded: false,
    wallMs: performance.now() - started,
    cpuMs: null,
    stdout: { text: '', bytes: 0, truncated: false },
    stderr: { text: '', bytes: 0, truncated: false },
    collected: {},
    sandboxError: message,
    supervisorLost: false,
  };
}
