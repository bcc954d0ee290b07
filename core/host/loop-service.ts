import { existsSync, mkdirSync } from 'node:fs';
import type { z } from 'zod';
import { IterationMetricsSchema, type CandidateView, type LoopProgressSchema, type LoopStageSchema, type loopMethods } from '../api/loop';
import { disputeDetailSchema } from '../loop/mining/disputes';
import { iterate, storeFile } from '../loop/pipeline';
import { loadRunConfig } from '../loop/run-config';
import { iterationStages } from '../loop/stages/index';
import { runStatus } from '../loop/status';
import { verdictsOf } from '../loop/verdicts';
import { checkedJson } from '../store/json-column';
import { appendLabel, labelHistory } from '../store/labels';
import { listMined, scoresOf } from '../store/loop-records';
import { openStore, type Db } from '../store/open-store';
import { runReadOnlyQuery } from '../store/read-only-query';
import { findRun, listIterations, type IterationRow } from '../store/runs';
import { candidatesByIds, candidatesOfProblem, hasCandidate, listRuns, problemCounts, scoringCheckpointOf, type CandidateRow } from '../store/views';

type Params<M extends keyof typeof loopMethods> = z.output<(typeof loopMethods)[M]['params']>;
type Result<M extends keyof typeof loopMethods> = z.output<(typeof loopMethods)[M]['result']>;

export interface LoopEvents {
  progress: (payload: z.output<typeof LoopProgressSchema>) => void;
  stage: (payload: z.output<typeof LoopStageSchema>) => void;
  state: (payload: Result<'loop.state'>) => void;
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
  private store(): Db | null {
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
    return {
      metrics: storedMetrics(found.db, found.iteration),
      previous: previous ? storedMetrics(previous.db, previous.iteration) : null,
    };
  }

  problemsList(params: Params<'problems.list'>): Result<'problems.list'> {
    const found = this.iteration(params);
    if (!found) return [];
    const { db, runId, iteration } = found;
    const checkpoint = scoringCheckpointOf(db, runId, iteration.id);
    const scores = checkpoint === null ? new Map<number, number>() : scoresOf(db, iteration.id, checkpoint);
    const verdicts = verdictsOf(db, runId, iteration.id);
    return problemCounts(db, iteration.id)
      .filter((p) => !params.split || p.split === params.split)
      .map((p) => {
        const ranked = this.rank(candidatesOfProblem(db, iteration.id, p.problemId), scores);
        const top = ranked[0];
        const pick = top && scores.has(top.candidateId) ? verdicts.get(top.candidateId)?.passed ?? null : null;
        return { ...p, pickPasses: pick };
      });
  }

  candidatesByProblem(params: Params<'candidates.byProblem'>): Result<'candidates.byProblem'> {
    const found = this.iteration(params);
    if (!found) return [];
    return this.views(found, candidatesOfProblem(found.db, found.iteration.id, params.problemId), true);
  }

  minedList(params: Params<'mined.list'>): Result<'mined.list'> {
    const found = this.iteration(params);
    if (!found) return [];
    const ids = listMined(found.db, found.iteration.id, params.kind).slice(0, params.limit).map((m) => m.candidateId);
    return this.views(found, candidatesByIds(found.db, ids), false);
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

  query(params: Params<'store.query'>): Result<'store.query'> {
    const file = storeFile(this.workspace);
    if (!existsSync(file)) throw new Error(`${file}: no run store yet (run an iteration first)`);
    return runReadOnlyQuery(file, params.sql, params.limit);
  }

  state(): Result<'loop.state'> {
    return { running: this.running !== null, run: this.running?.run ?? null, error: this.lastError };
  }

  start(params: Params<'loop.start'>): Result<'loop.state'> {
    if (this.running) throw new Error(`a loop is already running (run '${this.running.run}'): cancel it first`);
    const loaded = loadRunConfig(params.configFile ?? null);
    const config = params.iterations ? { ...loaded, iterations: params.iterations } : loaded;
    mkdirSync(this.workspace, { recursive: true });
    const controller = new AbortController();
    const run = params.run;
    this.lastError = null;
    const done = iterate({
      workspace: this.workspace,
      config,
      stages: iterationStages,
      runName: run,
      signal: controller.signal,
      onProgress: (iteration, u) => this.events.progress({ run, iteration, ...u }),
      onStage: (iteration, stage, state) => this.events.stage({ run, iteration, stage, state }),
      onLog: (level, message) => this.events.log(level, message),
    }).then(
      () => undefined,
      (err: unknown) => {
        this.lastError = err instanceof Error ? err.message : String(err);
        this.events.log(controller.signal.aborted ? 'warn' : 'error', `loop stopped: ${this.lastError}`);
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

  /** Candidates best-first by score (unscored last, in sample order). */
  private rank(rows: CandidateRow[], scores: ReadonlyMap<number, number>): CandidateRow[] {
    return [...rows].sort((a, b) => (scores.get(b.candidateId) ?? -Infinity) - (scores.get(a.candidateId) ?? -Infinity) || a.sampleIdx - b.sampleIdx);
  }

  private views(found: { db: Db; runId: number; iteration: IterationRow }, rows: CandidateRow[], ranked: boolean): CandidateView[] {
    const { db, runId, iteration } = found;
    const checkpoint = scoringCheckpointOf(db, runId, iteration.id);
    const scores = checkpoint === null ? new Map<number, number>() : scoresOf(db, iteration.id, checkpoint);
    const verdicts = verdictsOf(db, runId, iteration.id);
    const hard = new Set(listMined(db, iteration.id, 'hard-negative').map((m) => m.candidateId));
    const disputes = new Map(
      listMined(db, iteration.id, 'disputed').map((m) => [
        m.candidateId,
        checkedJson(db, disputeDetailSchema, m.detail, `iteration ${iteration.index}: disputed candidate ${m.candidateId}`).reasons,
      ]),
    );
    return (ranked ? this.rank(rows, scores) : rows).map((row) => {
      const verdict = verdicts.get(row.candidateId);
      return {
        candidateId: row.candidateId,
        problemId: row.problemId,
        taskId: row.taskId,
        sampleIdx: row.sampleIdx,
        code: row.code,
        score: scores.get(row.candidateId) ?? null,
        passed: verdict?.passed ?? null,
        verdictSource: verdict?.source ?? null,
        status: row.status,
        testsPassed: row.testsPassed,
        testsTotal: row.testsTotal,
        stderr: row.stderr ?? '',
        hardNegative: hard.has(row.candidateId),
        disputeReasons: disputes.get(row.candidateId) ?? [],
      };
    });
  }
}

/** An iteration's stored metrics, checked against the contract's schema; null until it finished. */
function storedMetrics(db: Db, iteration: IterationRow): z.output<typeof IterationMetricsSchema> | null {
  return checkedJson(db, IterationMetricsSchema.nullable(), iteration.metrics, `iteration ${iteration.index}: metrics`);
}
