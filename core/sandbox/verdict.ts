/**
 * Verdicts: MultiPL-E's four (OK, Exception, SyntaxError, Timeout) plus three of ours. SandboxError is always our
 * fault (the sandbox could not start, a protocol broke), never the candidate's, so metrics can leave it out.
 */
export const STATUSES = ['OK', 'Exception', 'SyntaxError', 'Timeout', 'MemoryLimit', 'OutputLimit', 'SandboxError'] as const;
export type Status = (typeof STATUSES)[number];

/** One captured stream: at most `limits.outputBytes` of its start, and whether more was written. */
export interface CapturedOutput {
  text: string;
  /** Bytes the program wrote to this stream in total (the kept text is a prefix of them). */
  bytes: number;
  truncated: boolean;
}

/** What a language module decides from a finished run (the runner decides Timeout, OutputLimit and SandboxError). */
export interface Classification {
  status: Status;
  /** Set where the test harness tells (e.g. a count of passed asserts); null where it can't. */
  testsPassed: number | null;
  testsTotal: number | null;
}

/** The result record of one program run: what the cache stores and `exec` writes as one JSON line. */
export interface ExecutionResult extends Classification {
  exitCode: number | null;
  /** The signal that ended the program (e.g. 'SIGKILL'), or null when it exited. */
  signal: string | null;
  /** Which step produced the verdict: a failed compile stops before the run. */
  phase: 'prepare' | 'compile' | 'run';
  wallMs: number;
  cpuMs: number | null;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  /** Why, in one line, when the verdict is not OK (e.g. "killed after 10 s", "sandbox: bwrap not found"). */
  detail: string | null;
  /** Served from the result cache rather than run again. */
  cached: boolean;
}

export function emptyOutput(): CapturedOutput {
  return { text: '', bytes: 0, truncated: false };
}
