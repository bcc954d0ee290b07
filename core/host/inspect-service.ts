import { z } from 'zod';
import type { inspectMethods, MetricPointSchema } from '../api/inspect';
import type { CandidateView, LabelVerdictSchema, loopMethods } from '../api/loop';
import type { ExecutionResultSchema, RunRequestSchema } from '../api/sandbox';
import { assembleProgram } from '../data/assemble';
import { problemSchema } from '../data/problem';
import type { IterationMetrics } from '../loop/iteration-metrics';
import { iterationDetail } from '../loop/iteration-detail';
import { areaUnder, rocCurve } from '../loop/metrics/roc';
import type { RunConfig } from '../loop/run-config';
import {
  binnedScores,
  candidateDetail,
  candidatesDetail,
  candidateForRerun,
  disputedCandidateIds,
  hardNegativePage,
  labelUse,
  minedCandidateIds,
  problemPage,
  rankedCandidates,
  scoredVerdicts,
  scoreRange,
  scoringCheckpoints,
  type CandidateDetailRow,
} from '../store/inspect-queries';
import { appendUndo, currentLabels } from '../store/label-history';
import type { Db } from '../store/open-store';
import { findRun, listIterations, type IterationRow } from '../store/runs';

type Params<M extends keyof typeof inspectMethods> = z.output<(typeof inspectMethods)[M]['params']>;
type Result<M extends keyof typeof inspectMethods> = z.output<(typeof inspectMethods)[M]['result']>;
type MetricPoint = z.output<typeof MetricPointSchema>;
type Verdict = z.output<typeof LabelVerdictSchema>;

export interface InspectDeps {
  /** The workspace's run store; null while there is none. */
  store: () => Db | null;
  /** What the store's file is called, for messages. */
  storeName: string;
  runSandbox: (request: z.input<typeof RunRequestSchema>) => Promise<z.output<typeof ExecutionResultSchema>>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export function metricPoint(iteration: IterationRow): MetricPoint {
  const m = iteration.metrics as IterationMetrics | null;
  return {
    iteration: iteration.index,
    status: iteration.status,
    rerank_pass1: m?.rerank_pass1 ?? null,
    random_pass1: m?.random_pass1 ?? null,
    oracle_passn: m?.oracle_passn ?? null,
    gap_closed: m?.gap_closed ?? null,
    reranker_auc: m?.reranker_auc ?? null,
    pairwise_accuracy: m?.pairwise_accuracy ?? null,
    pass_at_1: m?.pass_at_k['1'] ?? null,
    hard_negatives: m?.hard_negatives ?? null,
    disputed: m?.disputed ?? null,
  };
}

/** Reads for the notebook's iteration cells, the hard-negative and candidate views and the labelling queue. */
export class InspectService {
  constructor(private readonly deps: InspectDeps) {}

  private iterations(run: string): { db: Db; runId: number; config: RunConfig; iterations: IterationRow[] } | null {
    const db = this.deps.store();
    const found = db && findRun(db, run);
    return found ? { db: db!, runId: found.id, config: found.config as RunConfig, iterations: listIterations(db!, found.id) } : null;
  }

  private iteration(run: string, index: number): { db: Db; runId: number; iteration: IterationRow } | null {
    const found = this.iterations(run);
    const iteration = found?.iterations.find((i) => i.index === index);
    return found && iteration ? { db: found.db, runId: found.runId, iteration } : null;
  }

  private requireIteration(run: string, index: number): { db: Db; runId: number; iteration: IterationRow } {
    const found = this.iteration(run, index);
    if (!found) throw new Error(`${this.deps.storeName}: run '${run}' has no iteration ${index}`);
    return found;
  }

  series({ run }: Params<'metrics.series'>): Result<'metrics.series'> {
    return this.iterations(run)?.iterations.map(metricPoint) ?? [];
  }

  detail(params: Params<'iterations.detail'>): Result<'iterations.detail'> {
    const db = this.deps.store();
    const run = db && findRun(db, params.run);
    const detail = run ? iterationDetail(db!, run, listIterations(db!, run.id), params.iteration) : null;
    if (!detail) throw new Error(`${this.deps.storeName}: run '${params.run}' has no iteration ${params.iteration}`);
    return detail;
  }

  histogram(params: Params<'metrics.histogram'>): Result<'metrics.histogram'> {
    const parts = params.iterations.map((index) => {
      const { db, runId, iteration } = this.requireIteration(params.run, index);
      return { db, index, iterationId: iteration.id, checkpoints: scoringCheckpoints(db, runId, iteration.id) };
    });
    const db = parts[0]!.db;
    const range = scoreRange(db, parts, params.split);
    if (!range) return { edges: [], series: parts.map((p) => ({ iteration: p.index, passing: [], failing: [] })) };
    // Whole multiples of 0.5 around the range, as the iteration metrics' histograms, so bins stay put between calls.
    const lo = Math.floor(range.lo / 0.5) * 0.5;
    const hi = Math.max(Math.ceil(range.hi / 0.5) * 0.5, lo + 0.5);
    const edges = Array.from({ length: params.bins + 1 }, (_, i) => lo + ((hi - lo) * i) / params.bins);
    return {
      edges,
      series: parts.map((p) => ({ iteration: p.index, ...binnedScores(db, p.iterationId, p.checkpoints, params.split, lo, hi, params.bins) })),
    };
  }

  roc(params: Params<'metrics.roc'>): Result<'metrics.roc'> {
    const { db, runId, iteration } = this.requireIteration(params.run, params.iteration);
    const curve = rocCurve(scoredVerdicts(db, iteration.id, scoringCheckpoints(db, runId, iteration.id)), params.maxPoints);
    const auc = areaUnder(curve.points);
    // The first point is (0, 0) at an infinite threshold, which JSON cannot carry: report it at the top score.
    const points = curve.points.map((p, i) => ({ ...p, threshold: i === 0 ? (curve.points[1]?.threshold ?? 0) : p.threshold }));
    return { auc, positives: curve.positives, negatives: curve.negatives, points };
  }

  hardNegatives(params: Params<'hardNegatives.page'>): Result<'hardNegatives.page'> {
    const found = this.iteration(params.run, params.iteration);
    if (!found) return { total: 0, rows: [] };
    const { db, runId, iteration } = found;
    const page = hardNegativePage(db, iteration.id, scoringCheckpoints(db, runId, iteration.id), params);
    const labels = currentLabels(db, page.rows.map((r) => r.candidateId));
    return { total: page.total, rows: page.rows.map((r) => ({ ...r, label: labels.get(r.candidateId) ?? null })) };
  }

  hardNegativeDetail(params: Params<'hardNegatives.detail'>): Result<'hardNegatives.detail'> {
    const { db, runId, iteration } = this.requireIteration(params.run, params.iteration);
    const checkpoints = scoringCheckpoints(db, runId, iteration.id);
    const negative = candidateDetail(db, iteration.id, checkpoints, params.candidateId);
    if (!negative) throw new Error(`${this.deps.storeName}: no candidate ${params.candidateId} in iteration ${params.iteration} of run '${params.run}'`);
    const ranked = rankedCandidates(db, iteration.id, checkpoints, negative.problemId);
    const best = ranked.find((c) => c.passed === 1) ?? null;
    const [negativeView, bestView] = this.views(db, runId, [negative, ...(best ? [best] : [])]);
    return { prompt: negative.prompt, language: negative.language, negative: negativeView!, bestPassing: bestView ?? null };
  }

  problems(params: Params<'problems.page'>): Result<'problems.page'> {
    const found = this.iteration(params.run, params.iteration);
    if (!found) return { total: 0, rows: [] };
    const { db, runId, iteration } = found;
    return problemPage(db, iteration.id, scoringCheckpoints(db, runId, iteration.id), params);
  }

  /** A problem's candidates in reranker order, with everything a candidate view shows. */
  ranked(run: string, index: number, problemId: number): CandidateView[] {
    const found = this.iteration(run, index);
    if (!found) return [];
    const { db, runId, iteration } = found;
    return this.views(db, runId, rankedCandidates(db, iteration.id, scoringCheckpoints(db, runId, iteration.id), problemId));
  }

  mined(params: z.output<(typeof loopMethods)['mined.list']['params']>): CandidateView[] {
    const found = this.iteration(params.run, params.iteration);
    if (!found) return [];
    const { db, runId, iteration } = found;
    const ids = minedCandidateIds(db, iteration.id, params.kind, params.limit);
    return this.views(db, runId, candidatesDetail(db, iteration.id, scoringCheckpoints(db, runId, iteration.id), ids));
  }

  /** Every problem of the iteration in one query (problems.page pages the same). */
  problemList(params: z.output<(typeof loopMethods)['problems.list']['params']>): z.output<(typeof loopMethods)['problems.list']['result']> {
    const found = this.iteration(params.run, params.iteration);
    if (!found) return [];
    const { db, runId, iteration } = found;
    const page = problemPage(db, iteration.id, scoringCheckpoints(db, runId, iteration.id), { split: params.split, sort: 'problem', offset: 0, limit: -1 });
    return page.rows.map(({ problemId, taskId, language, split, candidates, passing, pickPasses }) => ({ problemId, taskId, language, split, candidates, passing, pickPasses }));
  }

  undo(params: Params<'labels.undo'>): Result<'labels.undo'> {
    const db = this.deps.store();
    if (!db) throw new Error(`${this.deps.storeName}: no run store yet, so no label to undo`);
    const undone = appendUndo(db, params.candidateId, params.author);
    if (!undone) throw new Error(`candidate ${params.candidateId} has no label to undo`);
    this.deps.log('info', `label: candidate ${params.candidateId} undone by ${params.author} (now ${undone.current ?? 'unlabelled'})`);
    return undone;
  }

  labelProgress(params: Params<'labels.progress'>): Result<'labels.progress'> {
    const found = this.iteration(params.run, params.iteration);
    if (!found) return { labelled: 0, total: 0 };
    const ids = disputedCandidateIds(found.db, found.iteration.id);
    return { labelled: currentLabels(found.db, ids).size, total: ids.length };
  }

  async rerun({ candidateId }: Params<'candidates.rerun'>): Promise<Result<'candidates.rerun'>> {
    const db = this.deps.store();
    const stored = db && candidateForRerun(db, candidateId);
    if (!stored) throw new Error(`no candidate ${candidateId} in ${this.deps.storeName}`);
    const problem = problemSchema.parse(stored.problemData);
    this.deps.log('info', `re-run: candidate ${candidateId} (${stored.taskId}, ${problem.language}) in the sandbox`);
    const result = await this.deps.runSandbox({
      language: problem.language,
      program: assembleProgram(problem, stored.code),
      context: { harness: problem.harness, link: problem.link },
    });
    const tests = result.testsTotal === null ? '' : `, ${result.testsPassed ?? 0}/${result.testsTotal} tests`;
    this.deps.log(result.status === 'OK' ? 'info' : 'warn', `re-run: candidate ${candidateId}: ${result.status}${tests} in ${Math.round(result.wallMs)} ms`);
    if (result.stdout.text) this.deps.log('info', `re-run stdout:\n${result.stdout.text}`);
    if (result.stderr.text) this.deps.log('info', `re-run stderr:\n${result.stderr.text}`);
    return { candidateId, result };
  }

  private views(db: Db, runId: number, rows: readonly CandidateDetailRow[]): CandidateView[] {
    const ids = rows.map((r) => r.candidateId);
    const labels = currentLabels(db, ids);
    const used = labelUse(db, runId);
    return rows.map((r) => ({
      candidateId: r.candidateId,
      problemId: r.problemId,
      taskId: r.taskId,
      sampleIdx: r.sampleIdx,
      code: r.code,
      score: r.score,
      passed: r.passed === null ? null : r.passed === 1,
      verdictSource: r.passed === null ? null : labels.get(r.candidateId) === 'pass' || labels.get(r.candidateId) === 'fail' ? 'label' : 'execution',
      status: r.status,
      testsPassed: r.testsPassed,
      testsTotal: r.testsTotal,
      stderr: r.stderr ?? '',
      hardNegative: r.hardNegative === 1,
      disputeReasons: r.disputeJson ? (JSON.parse(r.disputeJson) as { reasons: Array<{ kind: string; detail: string }> }).reasons : [],
      language: r.language,
      label: (labels.get(r.candidateId) as Verdict | undefined) ?? null,
      lineScores: parseLineScores(r.lineScoresJson),
      labelUsedBy: used.get(r.candidateId) ?? [],
    }));
  }
}

const LineScoresSchema = z.array(z.number());

/** `scores.line_scores_json`: one number per line, or nothing (a malformed one is shown as none, never thrown). */
function parseLineScores(json: string | null): number[] | null {
  if (json === null) return null;
  try {
    const parsed = LineScoresSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
