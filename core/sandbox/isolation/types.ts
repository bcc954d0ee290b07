import type { Limits } from '../limits';
import type { CapturedOutput } from '../verdict';

/** A file put into the private temp dir before the program starts. `path` is relative to that dir. */
export interface SandboxFile {
  path: string;
  content: string | Uint8Array;
  executable?: boolean;
}

/** Inside the sandbox the private temp dir is this path; it is the working directory and $HOME and $TMPDIR. */
export const SANDBOX_WORK_DIR = '/tmp';

/** One command to run isolated: the low-level primitive every language step goes through. */
export interface SandboxJob {
  /** argv[0] is an absolute path or a name found on the sandbox's PATH (/usr/bin:/bin:/usr/local/bin). */
  argv: string[];
  /** Added to a minimal environment (PATH, HOME, TMPDIR, LANG=C.UTF-8); nothing leaks in from ours. */
  env?: Record<string, string>;
  files: SandboxFile[];
  limits: Limits;
  /** Apply limits.memoryBytes as RLIMIT_AS (only runtimes that tolerate it: see Language.memory). */
  addressSpaceLimit: boolean;
  /** The RLIMIT_AS value when it differs from limits.memoryBytes (a runtime's own cap plus its reservations). */
  addressSpaceBytes?: number;
  /** Files (relative paths) to hand back after a successful exit, e.g. a compiled binary for the run step. */
  collect?: string[];
  /**
   * Run this Python file inside a fresh fork of the sandbox's long-lived Python supervisor rather than exec'ing
   * argv (the fork server: no interpreter start-up). argv is still what a fresh run would execute, and is used when
   * the sandbox can't run inline.
   */
  inlinePython?: string;
  /**
   * Run the program in a fresh fork of a long-lived interpreter ("zygote") kept by the sandbox's supervisor, rather
   * than exec'ing argv (which is still what a fresh sandbox runs). `argv` starts the zygote; `key` names it (one
   * per key per sandbox); `main` is the program's file. The zygote protocol is in supervisor.py.
   */
  zygote?: ZygoteSpec;
}

export interface ZygoteSpec {
  key: string;
  argv: string[];
  main: string;
}

/** What came out of one job, before any language-specific classification. */
export interface RawOutcome {
  exitCode: number | null;
  signal: string | null;
  /** Killed at limits.timeoutMs (wall) or by RLIMIT_CPU. */
  timedOut: boolean;
  /** Killed because stdout + stderr passed limits.outputHardCapBytes. */
  outputLimitExceeded: boolean;
  /**
   * Killed because all the program's processes together held more resident memory than its cap (warm sandboxes
   * watch this every 0.1 s: RLIMIT_AS only caps each process).
   */
  memoryLimitExceeded?: boolean;
  wallMs: number;
  cpuMs: number | null;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  /** The files named in SandboxJob.collect that existed after the run. */
  collected: Record<string, Uint8Array>;
  /** Our failure (could not start, protocol broke); the candidate is not to blame. Null when the run happened. */
  sandboxError: string | null;
  /**
   * The program killed or stopped the supervisor that watches it (it signalled its parent). The candidate's doing,
   * classified as Exception; the sandbox it ran in is thrown away.
   */
  supervisorLost: boolean;
}

/** Which guarantees hold here. Every false one is also named in `warnings`, which callers must show. */
export interface IsolationGuarantees {
  noNetwork: boolean;
  readOnlySystem: boolean;
  privateTemp: boolean;
  hiddenHome: boolean;
  pidNamespace: boolean;
  dieWithParent: boolean;
  unprivilegedUser: boolean;
  processLimit: boolean;
  cpuTimeLimit: boolean;
  fileSizeLimit: boolean;
  killWholeTree: boolean;
}

export interface IsolationCapabilities {
  mechanism: 'bubblewrap' | 'process-group';
  guarantees: IsolationGuarantees;
  /** One line per missing guarantee (and why), for the CLI to print loudly and the app to show. */
  warnings: string[];
}

/** A long-lived sandbox that runs jobs one at a time and wipes its temp dir and processes between them. */
export interface SandboxWorker {
  run(job: SandboxJob): Promise<RawOutcome>;
  close(): Promise<void>;
}

export interface Isolation {
  readonly capabilities: IsolationCapabilities;
  /** A fresh sandbox for exactly one job, thrown away after it (the baseline; MultiPL-E's way). */
  runOnce(job: SandboxJob): Promise<RawOutcome>;
  /** A warm sandbox for a pool worker. */
  openWorker(): Promise<SandboxWorker>;
}

/** Host paths a sandbox may read besides the system (toolchains outside /usr, vendored libraries). */
export interface IsolationOptions {
  readOnlyPaths: string[];
  /** 'process-group' skips bubblewrap even where it works (to test the fall-back); default 'auto'. */
  mechanism?: 'auto' | 'process-group';
}
