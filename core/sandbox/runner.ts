import { ArtifactCache } from './artifact-cache';
import { availability, unavailableMessage, type LanguageAvailability } from './availability';
import { sandboxError } from './execution-result';
import { InFlight } from './in-flight';
import { createIsolation } from './isolation/index';
import type { Isolation, IsolationCapabilities } from './isolation/types';
import { DEFAULT_CONTEXT, type Language, type ProgramContext } from './language';
import { LANGUAGES } from './languages/index';
import { limitsKey, resolveLimits, type Limits } from './limits';
import { contextKey, runProgram } from './pipeline';
import { cacheKey, ResultCache } from './result-cache';
import type { ExecutionResult } from './verdict';
import { WorkerPool } from './worker-pool';
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
  /**
   * Run every program again, as a fresh runner would: no answer from the result cache or from a run of the same
   * program in progress (a verdict that changes on a second run is inconclusive). The new results are not cached.
   */
  fresh?: boolean;
}

/**
 * Runs programs in the sandbox: requests go through the result cache (language + program + limits + context) and
 * in-flight de-duplication to the worker pool, where each runs through its language's steps (pipeline.ts).
 */
export class SandboxRunner {
  readonly isolation: Isolation;
  private readonly languages: readonly Language[];
  private readonly pool: WorkerPool;
  private readonly cache: ResultCache;
  private readonly inFlight = new InFlight<ExecutionResult>();
  private readonly artifacts = new ArtifactCache();

  constructor(options: RunnerOptions = {}) {
    this.languages = options.languages ?? LANGUAGES;
    const readOnlyPaths = [...new Set(this.languages.flatMap((l) => l.readOnlyPaths ?? []))];
    this.isolation = createIsolation({ readOnlyPaths, mechanism: options.isolation ?? 'auto' });
    this.cache = new ResultCache(options.cacheDir ?? null);
    this.pool = new WorkerPool(this.isolation, options.jobs ?? 2, options.warm ?? true);
  }

  get capabilities(): IsolationCapabilities {
    return this.isolation.capabilities;
  }

  get jobs(): number {
    return this.pool.size;
  }

  /** Why warm sandboxes can't start here (then every program runs in a fresh one), or null. */
  get warmUnavailable(): string | null {
    return this.pool.warmUnavailable;
  }

  availability(): LanguageAvailability[] {
    return this.languages.map(availability);
  }

  findLanguage(id: string): Language | undefined {
    return this.languages.find((l) => l.id === id || l.multiplE === id);
  }

  run(request: RunRequest, options: { fresh?: boolean } = {}): Promise<ExecutionResult> {
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
    const execute = (): Promise<ExecutionResult> =>
      this.pool
        .withSlot((slot) => runProgram(this.pool, slot, this.artifacts, language, request.program, limits, context))
        // A bug of ours must not reject a whole batch: it is this program's SandboxError.
        .catch((err: unknown) => sandboxError(`${language.id}: ${errorMessage(err)}`));
    if (options.fresh) return execute();
    const key = cacheKey([language.id, request.program, limitsKey(limits), ...contextKey(context)]);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve({ ...hit, cached: true });
    const running = this.inFlight.get(key);
    if (running) return running.then((r) => ({ ...r, cached: true }));
    return this.inFlight.start(key, async () => {
      const result = await execute();
      if (result.status !== 'SandboxError') this.cache.set(key, result);
      return result;
    });
  }

  async runBatch(requests: readonly RunRequest[], options: BatchOptions = {}): Promise<ExecutionResult[]> {
    let done = 0;
    return await Promise.all(
      requests.map(async (request, index) => {
        const result = await this.run(request, { fresh: options.fresh ?? false });
        done++;
        options.onProgress?.({ done, total: requests.length, index, result });
        return result;
      }),
    );
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
