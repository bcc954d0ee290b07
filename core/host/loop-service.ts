import { existsSync, mkdirSync } from 'node:fs';
import type { z } from 'zod';
import type { LoopSummarySchema } from '../api/inspect';
import { IterationMetricsSchema, type LoopProgressSchema, type LoopStageSchema, type loopMethods } from '../api/loop';
import { iterate, storeFile } from '../loop/pipeline';
import { formatProgress } from '../loop/progress';
import { loadRunConfig, storedRunConfig, type RunConfig } from '../loop/run-config';
import { resolveRunConfigFile } from '../loop/run-config-files';
import { iterationStages } from '../loop/stages/index';
import { runStatus } from '../loop/status';
import { checkedJson } from '../store/json-column';
import { appendLabel, labelHistory } from '../store/labels';
import { openStore, type Db } from '../store/open-store';
import { findRun, listIterations, type IterationRow } from '../store/runs';
import { hasCandidate, listRuns } from '../store/views';
import { metricPoint } from './inspect-service';
import { errorMessage } from '../error-message';

type Params<M extends keyof typeof loopMethods> = z.output<(typeof loopMethods)[M]['params']>;
type Result<M extends keyof typeof loopMethods> = z.output<(typeof loopMethods)[M]['result']>;

export interface LoopEvents {
  progress: (payload: z.output<typeof LoopProgressSchema>) => void;
  stage: (payload: z.output<typeof LoopStageSchema>) => void;
  state: (payload: Result<'loop.state'>) => void;
  summary: (payload: z.output<typeof LoopSummarySchema>) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * The loop as the UI sees it: reads over the workspace's run store, labels written into it, and one loop at a time
 * run in the background of the core (the loop's heavy work happens in the engine's worker and in sandboxes, so the
 * core keeps answering while it runs).
 */
export class LoopService {
  private db: Db | null = null;
  private running: { run: string; controller: AbortController; done: Promise<void> } | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly workspace: string,
    private readonly events: LoopEvents,
  ) {}

  /** The store, opened on first use; null while the workspace has none (nothing has run yet). */
  store(): Db | null {
    if (this.db) return this.db;
    const file = storeFile(this.workspace);
    if (!existsSync(file)) return null;
    return (this.db = openStore(file));
  }

  private iteration(params: { run: string; iteration: number }): { db: Db; runId: number; iteration: IterationRow } | null {
    const db = this.store();
    const run = db && findRun(db, params.run);
    const iteration = run ? listIterations(db!, run.id).find((i) => i.index === params.iteration) : undefined;
    return run && iteration ? { db: db!, runId: run.id, iteration } : null;
  }

  runsList(): Result<'runs.list'> {
    const db = this.store();
    return db ? listRuns(db) : [];
  }

  runsStatus({ run }: Params<'runs.status'>): Result<'runs.status'> {
    const db = this.store();
    return db ? runStatus(db, run, iterationStages) : null;
  }

  iterationMetrics(params: Params<'iterations.metrics'>): Result<'iterations.metrics'> {
    const found = this.iteration(params);
    if (!found) return { metrics: null, previous: null };
    const previous = params.iteration > 0 ? this.iteration({ run: params.run, iteration: params.iteration - 1 }) : null;
    const now = metricPoint(found.iteration);
    const before = previous ? metricPoint(previous.iteration) : null;
    const delta = Object.fromEntries(
      Object.entries(now)
        .filter(([key]) => key !== 'iteration' && key !== 'status')
        .map(([key, value]) => {
          const old = before?.[key as keyof typeof before];
          return [key, typeof value === 'number' && typeof old === 'number' ? value - old : null];
        }),
    );
    return {
      metrics: storedMetrics(found.db, found.iteration),
      previous: previous ? storedMetrics(previous.db, previous.iteration) : null,
      delta,
    };
  }

  putLabel(params: Params<'labels.put'>): Result<'labels.put'> {
    const db = this.store();
    if (!db) throw new Error(`${storeFile(this.workspace)}: no run store yet, so no candidate ${params.candidateId} to label`);
    if (!hasCandidate(db, params.candidateId)) throw new Error(`no candidate ${params.candidateId} in ${storeFile(this.workspace)}`);
    const label = appendLabel(db, params);
    this.events.log('info', `label: candidate ${params.candidateId} marked ${params.verdict} by ${params.author}`);
    return label;
  }

  labels({ candidateId }: Params<'labels.list'>): Result<'labels.list'> {
    const db = this.store();
    return db ? labelHistory(db, candidateId) : [];
  }

  state(): Result<'loop.state'> {
    return { running: this.running !== null, run: this.running?.run ?? null, error: this.lastError };
  }

  /**
   * The config a start uses: the file named (resolved against the workspace), else the run's own stored config, else
   * the embedded default; `iterations` or `more` (beyond the run's finished iterations) set how far to go.
   */
  private startConfig(params: Params<'loop.start'>): RunConfig {
    const db = this.store();
    const existing = db ? findRun(db, params.run) : null;
    const loaded = params.configFile
      ? loadRunConfig(resolveRunConfigFile(this.workspace, params.configFile))
      : existing
        ? storedRunConfig(db!, existing)
        : loadRunConfig(null);
    const finished = existing ? listIterations(db!, existing.id).filter((i) => i.status === 'done').length : 0;
    const iterations = params.more !== undefined ? finished + params.more : (params.iterations ?? loaded.iterations);
    return { ...loaded, iterations };
  }

  start(params: Params<'loop.start'>): Result<'loop.state'> {
    if (this.running) throw new Error(`a loop is already running (run '${this.running.run}'): cancel it first, or wait for it to end`);
    const config = this.startConfig(params);
    mkdirSync(this.workspace, { recursive: true });
    const controller = new AbortController();
    const run = params.run;
    this.lastError = null;
    const started = performance.now();
    const stageStarts = new Map<string, number>();
    const iterationStarts = new Map<number, number>();
    const done = iterate({
      workspace: this.workspace,
      config,
      stages: iterationStages,
      runName: run,
      signal: controller.signal,
      onProgress: (iteration, u) => {
        this.events.progress({ run, iteration, ...u });
        this.events.log('info', `[iteration ${iteration}] ${formatProgress(u)}`);
      },
      onStage: (iteration, stage, state) => {
        const key = `${iteration}:${stage}`;
        if (!iterationStarts.has(iteration)) iterationStarts.set(iteration, performance.now());
        if (state === 'started') {
          stageStarts.set(key, performance.now());
          this.events.log('info', `[iteration ${iteration}] ${stage} started`);
        }
        const startedAt = stageStarts.get(key);
        const durationS = state === 'done' && startedAt !== undefined ? (performance.now() - startedAt) / 1000 : undefined;
        if (durationS !== undefined) this.events.log('info', `[iteration ${iteration}] ${stage} done in ${durationS.toFixed(1)} s`);
        this.events.stage({ run, iteration, stage, state, ...(durationS !== undefined ? { durationS } : {}) });
      },
      onLog: (level, message) => this.events.log(level, message),
      onIterationEnd: (iteration, state, error) => this.summarize(run, iteration, state, error, iterationStarts.get(iteration) ?? started),
    }).then(
      () => {
        this.events.summary({ run, iteration: null, state: 'done', error: null, durationS: (performance.now() - started) / 1000, metrics: null });
      },
      (err: unknown) => {
        this.lastError = errorMessage(err);
        const state = controller.signal.aborted ? 'cancelled' : 'failed';
        this.events.log(controller.signal.aborted ? 'warn' : 'error', `loop stopped: ${this.lastError}`);
        this.events.summary({ run, iteration: null, state, error: this.lastError, durationS: (performance.now() - started) / 1000, metrics: null });
      },
    );
    this.running = { run, controller, done };
    void done.finally(() => {
      this.running = null;
      this.events.state(this.state());
    });
    const state = this.state();
    this.events.state(state);
    return state;
  }

  /** The summary event of an iteration that ended, with its headline metrics from the store. */
  private summarize(run: string, index: number, state: 'done' | 'failed' | 'cancelled', error: string | null, startedAt: number): void {
    const found = this.iteration({ run, iteration: index });
    this.events.summary({
      run,
      iteration: index,
      state,
      error,
      durationS: (performance.now() - startedAt) / 1000,
      metrics: found && state === 'done' ? metricPoint(found.iteration) : null,
    });
  }

  async cancel(): Promise<Result<'loop.state'>> {
    if (this.running) {
      this.running.controller.abort(new Error('cancelled'));
      await this.running.done;
    }
    return this.state();
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}

/** An iteration's stored metrics, checked against the contract's schema; null until it finished. */
function storedMetrics(db: Db, iteration: IterationRow): z.output<typeof IterationMetricsSchema> | null {
  return checkedJson(db, IterationMetricsSchema.nullable(), iteration.metrics, `iteration ${iteration.index}: metrics`);
}
