/**
 * How a language plugs into the sandbox. One small module per language in core/sandbox/languages/<id>.ts exports
 * a `Language` object; core/sandbox/languages/index.ts lists them. The runner drives every language the same way:
 *
 *   1. prepareProgram(program, context): in-process, pure. The whole assembled program (core/data builds it the way the
 *      benchmark's own evaluator does) -> the source files for the sandbox's temp dir (Main.java, main_test.go +
 *      go.mod, ...). An in-process transpiler runs here (TypeScript via esbuild); it may answer a SyntaxError
 *      without running anything.
 *   2. compile?.command(limits, context): optional (null: no compile for this context). Runs isolated like any
 *      program, under DEFAULT_COMPILE_LIMITS, and names the files to `collect` (the artifact). Classified by
 *      compile.classify (default: non-zero exit = SyntaxError, the way MultiPL-E counts compile errors). The
 *      artifact is cached by language + program + context, so a program compiles once; the run step gets the
 *      collected files instead of the sources.
 *   3. run(limits, context): the command that runs the program. Runtimes that break under RLIMIT_AS (memory:
 *      'runtime') put limits.memoryBytes into their own flag here (JVM -Xmx, GOMEMLIMIT, node
 *      --max-old-space-size); 'address-space' ones get RLIMIT_AS. It may also name a faster warm path that keeps the
 *      same semantics: `inlinePython` (run in a fork of the supervisor) or a `zygote` (fork a preloaded interpreter).
 *   4. classify(outcome, context, program): OK / Exception / SyntaxError / MemoryLimit from exit code and output, matching
 *      MultiPL-E's evaluation/src/eval_<lang>.py. The runner itself decides Timeout, OutputLimit, SandboxError (and
 *      MemoryLimit when the sandbox killed the program for memory) before asking.
 *
 * The context says whose evaluator's rules apply (MultiPL-E's or CodeGeeX's for HumanEval-X), which extra
 * libraries to link, where the problem set's support files are, and whether this is the baseline (warm: false);
 * all of it is part of the cache keys. `smoke` holds two tiny whole programs for `exec --self-check`.
 * Availability: `executables` are looked up on the host (absolute paths, or names on the sandbox's PATH); if one is
 * missing the language is reported unavailable naming `debianPackages`, and its candidates get a SandboxError
 * (ours), never a failure.
 * Warm workers: every language runs in a pool worker's long-lived sandbox (a fresh process per candidate, the temp
 * dir and all other processes wiped between candidates).
 */
import { problemLanguages } from '../data/problem';
import type { Limits } from './limits';
import type { RawOutcome, SandboxFile, ZygoteSpec } from './isolation/types';
import type { Classification } from './verdict';

/** The twelve languages: the same list problem files name (core/data owns it). */
export const LANGUAGE_IDS = problemLanguages;
export type LanguageId = (typeof LANGUAGE_IDS)[number];

/** Whose evaluator's rules build and judge the program (see core/data/problem.ts `harnesses`). */
export interface ProgramContext {
  harness: 'multipl-e' | 'humaneval-x';
  /** Extra libraries to link (C++ `-l<name>`), as the benchmark's evaluator does for a few tasks. */
  link: readonly string[];
  /**
   * false: the benchmark's baseline (MultiPL-E's way): the language uses no state shared between programs (no
   * compile server, precompiled header or prewarmed build cache). Absent means true.
   */
  warm?: boolean;
  /** Files the harness needs besides the program (Problem.support_dir: Go's vendored testify, Java's javatuples). */
  supportDir?: string | null;
}

export const DEFAULT_CONTEXT: ProgramContext = Object.freeze({ harness: 'multipl-e', link: Object.freeze([]) });

export type Prepared =
  | { ok: true; files: SandboxFile[] }
  /** Rejected before running (e.g. the transpiler's syntax error); `message` becomes the result's stderr. */
  | { ok: false; classification: Classification; message: string };

/** One step's command inside the sandbox (working dir = SANDBOX_WORK_DIR, holding the step's files). */
export interface StepCommand {
  argv: string[];
  env?: Record<string, string>;
  /** Extra files for this step only (a test runner's config, a build manifest). */
  files?: SandboxFile[];
}

export interface CompileStep {
  /** null: this context needs no compile step (e.g. TypeScript compiles with tsc only for the baseline). */
  command(limits: Limits, context?: ProgramContext): (StepCommand & { collect: string[] }) | null;
  classify?(outcome: RawOutcome): Classification;
}

export interface Language {
  readonly id: LanguageId;
  readonly displayName: string;
  /** MultiPL-E's short name (py, js, ts, cpp, java, cs, php, sh, go, rs, lua, rb). */
  readonly multiplE: string;
  readonly debianPackages: readonly string[];
  readonly executables: readonly string[];
  /** Host paths the sandbox must be able to read besides /usr, /etc, /lib* (bound read-only at the same path). */
  readonly readOnlyPaths?: readonly string[];
  /** 'address-space': RLIMIT_AS is applied. 'runtime': run() passes limits.memoryBytes to the runtime's own flag. */
  readonly memory: 'address-space' | 'runtime';
  /**
   * For 'runtime' languages whose runtime still starts under RLIMIT_AS given room for its reservations (node needs
   * ~1 GiB of address space of its own): RLIMIT_AS = limits.memoryBytes + this, a backstop for memory the
   * runtime's flag does not count (node Buffers).
   */
  readonly addressSpaceHeadroomBytes?: number;
  prepareProgram(program: string, context?: ProgramContext): Prepared | Promise<Prepared>;
  readonly compile?: CompileStep;
  run(limits: Limits, context?: ProgramContext): StepCommand & {
    /** A Python file the fork server may run inline instead of exec'ing argv (see SandboxJob.inlinePython). */
    inlinePython?: string;
    /** A zygote the warm sandbox may fork the program from instead of exec'ing argv (see SandboxJob.zygote). */
    zygote?: ZygoteSpec;
  };
  /** `program` is the whole program run, for languages whose tests are counted from it (Python's asserts). */
  classify(outcome: RawOutcome, context?: ProgramContext, program?: string): Classification;
  /** Whole programs for the self-check: `ok` must pass, `notOk` must run and fail (any status but OK). */
  readonly smoke: { ok: string; notOk: string };
}
