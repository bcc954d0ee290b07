import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { baseEnv, BWRAP, bwrapArgs, dropRoot } from './bwrap-args';
import { capturedFrom } from './capture';
import { checkedRelative, failed } from './direct';
import supervisorSource from './supervisor.py?raw';
import type { RawOutcome, SandboxJob, SandboxWorker } from './types';
import { errorMessage } from '../../error-message';

export const SANDBOX_PYTHON = '/usr/bin/python3';
/** The host waits this much past a job's own timeout before it assumes the supervisor was stopped and kills it. */
const GRACE_MS = 3000;
const START_TIMEOUT_MS = 15_000;
/** How a SandboxError from a warm sandbox that could not start begins (the runner then uses fresh sandboxes). */
export const WARM_START_FAILED = 'the warm sandbox did not start';

interface WireOutput {
  b64: string;
  bytes: number;
}
interface WireResult {
  id: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  outputLimitExceeded: boolean;
  memoryLimitExceeded: boolean;
  wallMs: number;
  cpuMs: number | null;
  stdout: WireOutput;
  stderr: WireOutput;
  collected: { path: string; b64: string }[];
  sandboxError?: string;
  /** The program killed or stopped its zygote. */
  supervisorLost?: boolean;
}

interface Pending {
  id: number;
  resolve: (outcome: RawOutcome) => void;
  timer: NodeJS.Timeout;
  started: number;
  lost: 'died' | 'stopped';
}

const b64 = (content: string | Uint8Array): string => Buffer.from(content).toString('base64');

/**
 * A long-lived bubblewrap sandbox with the Python supervisor inside (supervisor.py, run as `python3 -I -c`). Jobs run one at a time.
 * If the candidate kills or stops the supervisor, the sandbox is thrown away and the next job starts a fresh one.
 */
export class WarmWorker implements SandboxWorker {
  private proc: ChildProcess | null = null;
  private starting: Promise<void> | null = null;
  private pending: Pending | null = null;
  private nextId = 1;
  private stderrTail = '';
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: { readOnlyPaths: readonly string[]; tempDirBytes: number }) {}

  run(job: SandboxJob): Promise<RawOutcome> {
    const next = this.queue.then(() => this.runNow(job));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    this.starting = null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise<void>((resolve) => proc.once('close', () => resolve()));
      proc.kill('SIGKILL');
      await gone;
    }
  }

  private start(): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      const args = [
        ...bwrapArgs({ readOnlyPaths: this.options.readOnlyPaths, tempDirBytes: this.options.tempDirBytes, env: baseEnv() }),
        SANDBOX_PYTHON,
        '-I',
        '-c',
        supervisorSource,
      ];
      const proc = spawn(BWRAP, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' }, ...dropRoot() });
      this.proc = proc;
      this.stderrTail = '';
      proc.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4096);
      });
      proc.stdin?.on('error', () => undefined);
      const startTimer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${WARM_START_FAILED} within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      let ready = false;
      const lines = createInterface({ input: proc.stdout!, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (!ready) {
          ready = true;
          clearTimeout(startTimer);
          resolve();
          return;
        }
        this.onResult(line);
      });
      proc.on('error', (err) => {
        clearTimeout(startTimer);
        reject(new Error(`${WARM_START_FAILED}: cannot start ${BWRAP}: ${err.message}`));
      });
      proc.on('close', () => {
        clearTimeout(startTimer);
        if (this.proc === proc) {
          this.proc = null;
          this.starting = null;
        }
        if (!ready) reject(new Error(`${WARM_START_FAILED}: ${this.stderrTail.trim() || 'it exited without a message'}`));
        this.onExit();
      });
    });
    return this.starting;
  }

  private async runNow(job: SandboxJob): Promise<RawOutcome> {
    const started = performance.now();
    try {
      await this.start();
    } catch (err) {
      this.starting = null;
      return failed(errorMessage(err), started);
    }
    const proc = this.proc;
    if (!proc?.stdin) return failed('the warm sandbox is gone', started);
    const id = this.nextId++;
    let wire: string;
    try {
      wire = JSON.stringify({
        id,
        argv: job.argv,
        env: baseEnv(job.env),
        files: job.files.map((f) => ({ path: checkedRelative(f.path), b64: b64(f.content), executable: f.executable ?? false })),
        limits: job.limits,
        addressSpaceLimit: job.addressSpaceLimit,
        addressSpaceBytes: job.addressSpaceBytes ?? job.limits.memoryBytes,
        collect: (job.collect ?? []).map(checkedRelative),
        inlinePython: job.inlinePython ?? null,
        zygote: job.zygote ?? null,
      });
    } catch (err) {
      return failed(errorMessage(err), started);
    }
    return await new Promise<RawOutcome>((resolve) => {
      const timer = setTimeout(() => {
        // The supervisor enforces the timeout itself; silence past it means the candidate stopped it.
        if (this.pending) this.pending.lost = 'stopped';
        proc.kill('SIGKILL');
      }, job.limits.timeoutMs + GRACE_MS);
      this.pending = { id, resolve, timer, started, lost: 'died' };
      proc.stdin!.write(wire + '\n');
    });
  }

  private onResult(line: string): void {
    const pending = this.pending;
    if (!pending) return;
    let result: WireResult;
    try {
      result = JSON.parse(line) as WireResult;
    } catch {
      return;
    }
    if (result.id !== pending.id) return;
    this.pending = null;
    clearTimeout(pending.timer);
    if (result.sandboxError) {
      pending.resolve(failed(result.sandboxError, pending.started));
      return;
    }
    if (result.supervisorLost) {
      pending.resolve(lostSupervisor(pending.started, 'killed'));
      return;
    }
    const collected: Record<string, Uint8Array> = {};
    for (const file of result.collected) collected[file.path] = Buffer.from(file.b64, 'base64');
    pending.resolve({
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      outputLimitExceeded: result.outputLimitExceeded,
      memoryLimitExceeded: result.memoryLimitExceeded,
      wallMs: result.wallMs,
      cpuMs: result.cpuMs,
      stdout: capturedFrom(Buffer.from(result.stdout.b64, 'base64'), result.stdout.bytes),
      stderr: capturedFrom(Buffer.from(result.stderr.b64, 'base64'), result.stderr.bytes),
      collected,
      sandboxError: null,
      supervisorLost: false,
    });
  }

  private onExit(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    clearTimeout(pending.timer);
    pending.resolve(lostSupervisor(pending.started, pending.lost === 'stopped' ? 'stopped' : 'killed'));
  }
}

function lostSupervisor(started: number, how: 'stopped' | 'killed'): RawOutcome {
  const message = Buffer.from(`sandbox: the program ${how} its supervisor\n`);
  return {
    ...failed('', started),
    sandboxError: null,
    supervisorLost: true,
    timedOut: how === 'stopped',
    stderr: capturedFrom(message, message.length),
  };
}
