import { availability, unavailableMessage, type LanguageAvailability } from './availability';
import { classifyCompile } from './classify';
import { capturedFrom } from './isolation/capture';
import { createIsolation } from './isolation/index';
import { WARM_START_FAILED } from './isolation/warm-worker';
import type { Isolation, IsolationCapabilities, RawOutcome, SandboxFile, SandboxJob, SandboxWorker } from './isolation/types';
import { DEFAULT_CONTEXT, type Language, type ProgramContext } from './language';
import { LANGUAGES } from './languages/index';
import { DEFAULT_COMPILE_LIMITS, DEFAULT_LIMITS, limitsKey, resolveLimits, type Limits } from './limits';
import { cacheKey, ResultCache } from './result-cache';
import { emptyOutput, type Classification, type ExecutionResult } from './verdict';
import { errorMessage } from '../error-message';

export interface RunRequest {
  /** A language id (python, cpp, ...) or its MultiPL-E short name (py, cpp, ...). */
  language: string;
  /** The whole program, assembled the way its benchmark's evaluator does (core/data). */
  program: string;
  limits?: Partial<Limits>;
  context?: ProgramContext;
}

export interface RunnerOptions {
  /** Programs run at once, each in its own sandbox (default 2). */
  jobs?: number;
  /**
   * true (default): each worker keeps one long-lived sandbox and runs Python in a fork of its supervisor.
   * false: one fresh sandbox and process per program (the baseline, MultiPL-E's way).
   */
  warm?: boolean;
  /** Also keep results on disk here (one JSON file each), so they survive the process. */
  cacheDir?: string | null;
  languages?: readonly Language[];
  /** 'process-group': skip bubblewrap (the loud fall-back), e.g. to test it. Default 'auto'. */
  isolation?: 'auto' | 'process-group';
}

export interface BatchProgress {
  done: number;
  total: number;
  /** Index of the request this result belongs to. */
  index: number;
  result: ExecutionResult;
}

export interface BatchOptions {
  onProgress?: (progress: BatchProgress) => void;
}

/** Bytes of compiled artifacts kept in memory (the same program compiles once per process). */
const ARTIFACT_CACHE_BYTES = 256 * 1024 ** 2;

function verdict(status: Classification['status']): Classification {
  return { status, testsPassed: null, testsTotal: null };
}

/**
 * Runs programs in the sandbox: a pool of `jobs` workers, each owning its sandbox, a result cache keyed by
 * language + program + limits + context, and a compile cache so a program compiles once.
 */
export class SandboxRunner {
  readonly isolation: Isolation;
  private readonly languages: readonly Language[];
  private readonly warm: boolean;
  private readonly cache: ResultCache;
  private readonly inFlight = new Map<string, Promise<ExecutionResult>>();
  private readonly artifacts = new Map<string, { files: SandboxFile[]; bytes: number }>();
  private artifactBytes = 0;
  private readonly idle: { worker: SandboxWorker | null }[] = [];
  private readonly waiting: ((slot: { worker: SandboxWorker | null }) => void)[] = [];
  private readonly slots: { worker: SandboxWorker | null }[] = [];
  private closed = false;
  /** Why warm sandboxes can't start here (then every program runs in a fresh one), or null. */
  warmUnavailable: string | null = null;

  constructor(options: RunnerOptions = {}) {
    this.languages = options.languages ?? LANGUAGES;
    const readOnlyPaths = [...new Set(this.languages.flatMap((l) => l.readOnlyPaths ?? []))];
    this.isolation = createIsolation({ readOnlyPaths, mechanism: options.isolation ?? 'auto' });
    this.warm = options.warm ?? true;
    this.cache = new ResultCache(options.cacheDir ?? null);
    const jobs = Math.max(1, Math.floor(options.jobs ?? 2));
    for (let i = 0; i < jobs; i++) {
      const slot = { worker: null };
      this.slots.push(slot);
      this.idle.push(slot);
    }
  }

  get capabilities(): IsolationCapabilities {
    return this.isolation.capabilities;
  }

  get jobs(): number {
    return this.slots.length;
  }

  availability(): LanguageAvailability[] {
    return this.languages.map(availability);
  }

  findLanguage(id: string): Language | undefined {
    return this.languages.find((l) => l.id === id || l.multiplE === id);
  }

  run(request: RunRequest): Promise<ExecutionResult> {
    const language = this.findLanguage(request.language);
    if (!language) return Promise.resolve(sandboxError(`unknown language '${request.language}'`));
    const avail = availability(language);
    if (!avail.available) return Promise.resolve(sandboxError(unavailableMessage(avail)));
    let limits: Limits;
    try {
      limits = resolveLimits(request.limits);
    } catch (err) {
      return Promise.resolve(sandboxError(errorMessage(err)));
    }
    const context = request.context ?? DEFAULT_CONTEXT;
    const key = cacheKey([language.id, request.program, limitsKey(limits), ...contextKey(context)]);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve({ ...hit, cached: true });
    const running = this.inFlight.get(key);
    if (running) return running.then((r) => ({ ...r, cached: true }));
    const promise = this.withSlot((slot) => this.execute(slot, language, request.program, limits, context))
      // A bug of ours must not reject a whole batch: it is this program's SandboxError.
      .catch((err: unknown) => sandboxError(`${language.id}: ${errorMessage(err)}`))
      .then((result) => {
        this.inFlight.delete(key);
        if (result.status !== 'SandboxError') this.cache.set(key, result);
        return result;
      });
    this.inFlight.set(key, promise);
    return promise;
  }

  async runBatch(requests: readonly RunRequest[], options: BatchOptions = {}): Promise<ExecutionResult[]> {
    let done = 0;
    return await Promise.all(
      requests.map(async (request, index) => {
        const result = await this.run(request);
        done++;
        options.onProgress?.({ done, total: requests.length, index, result });
        return result;
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker?.close()));
    for (const slot of this.slots) slot.worker = null;
  }

  private async withSlot<T>(work: (slot: { worker: SandboxWorker | null }) => Promise<T>): Promise<T> {
    const slot = this.idle.pop() ?? (await new Promise<{ worker: SandboxWorker | null }>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(slot);
    } finally {
      const next = this.waiting.shift();
      if (next) next(slot);
      else this.idle.push(slot);
    }
  }

  private async runJob(slot: { worker: SandboxWorker | null }, job: SandboxJob): Promise<RawOutcome> {
    // A warm sandbox's tmpfs is sized once, at DEFAULT_LIMITS.tempDirBytes: other sizes get a sandbox of their own.
    const sized = job.limits.tempDirBytes === DEFAULT_LIMITS.tempDirBytes;
    if (!this.warm || this.closed || !sized || this.warmUnavailable) return await this.isolation.runOnce(job);
    slot.worker ??= await this.isolation.openWorker();
    const outcome = await slot.worker.run(job);
    if (outcome.sandboxError?.startsWith(WARM_START_FAILED)) {
      // Warm sandboxes can't start here: every program gets a fresh one instead (slower, never wrong).
      this.warmUnavailable = outcome.sandboxError;
      return await this.isolation.runOnce(job);
    }
    return outcome;
  }

  private async execute(
    slot: { worker: SandboxWorker | null },
    language: Language,
    program: string,
    limits: Limits,
    context: ProgramContext,
  ): Promise<ExecutionResult> {
    const started = performance.now();
    let prepared;
    try {
      prepared = await language.prepare(program, context);
    } catch (err) {
      return sandboxError(`${language.id}: prepare failed: ${errorMessage(err)}`);
    }
    if (!prepared.ok) {
      const message = Buffer.from(prepared.message);
      const stderr = capturedFrom(message.subarray(0, limits.outputBytes), message.length);
      return {
        ...prepared.classification,
        exitCode: null,
        signal: null,
        phase: 'prepare',
        wallMs: performance.now() - started,
        cpuMs: null,
        stdout: emptyOutput(),
        stderr,
        detail: firstLine(prepared.message),
        cached: false,
      };
    }
    let files = prepared.files;
    const headroom = language.addressSpaceHeadroomBytes;
    const address = language.memory === 'address-space' || headroom !== undefined;
    const addressSpaceBytes = (step: Limits): number => step.memoryBytes + (language.memory === 'runtime' ? (headroom ?? 0) : 0);
    if (language.compile) {
      const compileKey = cacheKey(['compile', language.id, program, ...contextKey(context)]);
      const known = this.artifacts.get(compileKey);
      const compileLimits = { ...DEFAULT_COMPILE_LIMITS, outputBytes: limits.outputBytes };
      const command = known ? null : language.compile.command(compileLimits, context);
      if (known) {
        files = known.files;
      } else if (command) {
        const outcome = await this.runJob(slot, {
          argv: command.argv,
          env: command.env,
          files: [...files, ...(command.files ?? [])],
          limits: compileLimits,
          addressSpaceLimit: address,
          addressSpaceBytes: addressSpaceBytes(compileLimits),
          collect: command.collect,
        });
        const classification = generic(outcome) ?? (language.compile.classify ?? classifyCompile)(outcome);
        if (classification.status !== 'OK') return resultOf(outcome, classification, 'compile', compileLimits);
        files = Object.entries(outcome.collected).map(([path, content]) => ({ path, content, executable: true }));
        this.rememberArtifact(compileKey, files);
      }
    }
    const command = language.run(limits, context);
    const outcome = await this.runJob(slot, {
      argv: command.argv,
      env: command.env,
      files: [...files, ...(command.files ?? [])],
      limits,
      addressSpaceLimit: address,
      addressSpaceBytes: addressSpaceBytes(limits),
      inlinePython: command.inlinePython,
      zygote: command.zygote,
    });
    const classification = generic(outcome) ?? language.classify(outcome, context);
    return resultOf(outcome, classification, 'run', limits);
  }

  private rememberArtifact(key: string, files: SandboxFile[]): void {
    const bytes = files.reduce((n, f) => n + (typeof f.content === 'string' ? Buffer.byteLength(f.content) : f.content.length), 0);
    if (bytes > ARTIFACT_CACHE_BYTES / 4) return;
    this.artifacts.set(key, { files, bytes });
    this.artifactBytes += bytes;
    for (const [oldKey, old] of this.artifacts) {
      if (this.artifactBytes <= ARTIFACT_CACHE_BYTES) break;
      this.artifacts.delete(oldKey);
      this.artifactBytes -= old.bytes;
    }
  }
}

/**
 * What of the context can change a verdict. `warm` is in it: TypeScript's baseline type-checks with tsc (a type
 * error is a SyntaxError there) while warm runs strip types without checking.
 */
function contextKey(context: ProgramContext): string[] {
  return [context.harness, context.link.join(' '), context.supportDir ?? '', String(context.warm ?? true)];
}

/** The verdicts the runner decides before the language looks: ours, the clock's, the output cap's. */
function generic(outcome: RawOutcome): Classification | null {
  if (outcome.sandboxError !== null) return verdict('SandboxError');
  if (outcome.timedOut) return verdict('Timeout');
  if (outcome.outputLimitExceeded) return verdict('OutputLimit');
  if (outcome.memoryLimitExceeded) return verdict('MemoryLimit');
  if (outcome.supervisorLost) return verdict('Exception');
  return null;
}

function resultOf(outcome: RawOutcome, classification: Classification, phase: ExecutionResult['phase'], limits: Limits): ExecutionResult {
  return {
    ...classification,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    phase,
    wallMs: Math.round(outcome.wallMs * 10) / 10,
    cpuMs: outcome.cpuMs === null ? null : Math.round(outcome.cpuMs * 10) / 10,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    detail: detailOf(outcome, classification, phase, limits),
    cached: false,
  };
}

function detailOf(outcome: RawOutcome, c: Classification, phase: ExecutionResult['phase'], limits: Limits): string | null {
  switch (c.status) {
    case 'OK':
      return null;
    case 'SandboxError':
      return `sandbox: ${outcome.sandboxError ?? 'unknown failure'}`;
    case 'Timeout':
      return `${phase === 'compile' ? 'compiler ' : ''}killed after ${limits.timeoutMs / 1000} s`;
    case 'OutputLimit':
      return `killed after writing more than ${limits.outputHardCapBytes} bytes`;
    case 'MemoryLimit':
      if (outcome.memoryLimitExceeded) return 'killed: its processes together held more memory than allowed';
      return errorLine(outcome.stderr.text) ?? 'out of memory';
    default:
      if (outcome.supervisorLost) return firstLine(outcome.stderr.text);
      return (
        errorLine(outcome.stderr.text) ??
        errorLine(outcome.stdout.text) ??
        (outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.exitCode}`)
      );
  }
}

function firstLine(text: string): string | null {
  const line = text.split('\n').find((l) => l.trim() !== '');
  return line ? line.trim().slice(0, 300) : null;
}

/** The last line that names an error (runtimes end with noise such as node's version line), else the last line. */
function errorLine(text: string): string | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const line = lines.findLast((l) => /error|exception|fail/i.test(l)) ?? lines.at(-1);
  return line ? line.trim().slice(0, 300) : null;
}

function sandboxError(message: string): ExecutionResult {
  return {
    status: 'SandboxError',
    testsPassed: null,
    testsTotal: null,
    exitCode: null,
    signal: null,
    phase: 'prepare',
    wallMs: 0,
    cpuMs: null,
    stdout: emptyOutput(),
    stderr: emptyOutput(),
    detail: message,
    cached: false,
  };
}
