import { listCandidates, listMined, listProblems, scoresOf } from '../store/loop-records';
import type { Db } from '../store/open-store';
import { type BaselineCandidate, type Baselines, baselines, normalizeProgram } from './metrics/baselines';
import { fixedEdges, histogram, type Histogram } from './metrics/histogram';
import { meanPassAtK } from './metrics/pass-at-k';
import { pairwiseAccuracy, rocAuc } from '../train/ranking';
import { rerankMetrics } from './metrics/rerank';
import type { Scored } from '../train/scored';
import { verdictsOf } from './verdicts';

export interface SelectionMetrics {
  problems: number;
  candidates: number;
  rerank_pass1: number;
  random_pass1: number;
  oracle_passn: number;
  gap_closed: number | null;
  /** Unbiased pass@k by k (1 and the number of samples per problem). */
  pass_at_k: Record<string, number>;
  reranker_auc: number | null;
  pairwise_accuracy: number | null;
  /** Held-out pass@1 of the picks the reranker has to beat (metrics/baselines.ts). */
  baselines: Baselines;
}

export interface IterationMetrics extends SelectionMetrics {
  hard_negatives: number;
  /** Hard negatives per failing training candidate. */
  hard_negative_rate: number | null;
  disputed: number;
  /** Reward histograms of held-out passing and failing candidates, on shared fixed bins. */
  histogram: { edges: number[]; passing: number[]; failing: number[] };
  per_language: Record<string, SelectionMetrics>;
}

const HISTOGRAM_BINS = 30;

/** What the baselines read besides the store: each held-out candidate's generator log-probs and agreement outputs. */
export interface BaselineEvidence {
  /** Token log-probs under the generator, for candidates stored without them (imported ones). */
  logProbs: ReadonlyMap<number, { mean: number; sum: number }>;
  /** What each candidate printed on the agreement inputs (null: nothing usable); absent: not run. */
  outputs: ReadonlyMap<number, string | null>;
  /** The iteration's process reward model's per-line scores (absent: no PRM): its picks join the baselines. */
  lineScores?: ReadonlyMap<number, readonly number[]>;
}

type HeldoutCandidate = Scored & BaselineCandidate;

/**
 * The held-out figures of one iteration, judged by the reranker checkpoint that `checkpointId` names: the quality of
 * best-of-N selection against random, the free baselines, execution agreement and oracle, overall and per language,
 * plus what mining found.
 */
export function iterationMetrics(
  db: Db,
  runId: number,
  iterationId: number,
  checkpointId: number,
  evidence: BaselineEvidence = { logProbs: new Map(), outputs: new Map() },
): IterationMetrics {
  return metricsOfScores(db, runId, iterationId, scoresOf(db, iterationId, checkpointId), evidence);
}

/** The same figures for reranker scores held in memory (a reranker trained outside the loop, e.g. an ablation). */
export function metricsOfScores(
  db: Db,
  runId: number,
  iterationId: number,
  scores: ReadonlyMap<number, number>,
  evidence: BaselineEvidence = { logProbs: new Map(), outputs: new Map() },
): IterationMetrics {
  const problems = new Map(listProblems(db, runId).map((p) => [p.id, p]));
  const verdicts = verdictsOf(db, runId, iterationId);
  const candidates = listCandidates(db, iterationId);

  const heldout = new Map<number, HeldoutCandidate[]>();
  for (const c of candidates) {
    const problem = problems.get(c.problemId)!;
    const verdict = verdicts.get(c.id);
    const score = scores.get(c.id);
    if (problem.split !== 'heldout' || !verdict || score === undefined) continue;
    const list = heldout.get(c.problemId);
    const stored = c.logprobs && c.logprobs.length > 0 ? c.logprobs.reduce((a, b) => a + b, 0) : null;
    const computed = evidence.logProbs.get(c.id);
    const scored: HeldoutCandidate = {
      score,
      passed: verdict.passed,
      order: c.sampleIdx,
      sumLogProb: stored ?? computed?.sum ?? null,
      meanLogProb: stored !== null ? stored / c.logprobs!.length : (computed?.mean ?? null),
      normalized: normalizeProgram(c.code),
      outputs: evidence.outputs.get(c.id) ?? null,
      lineScores: evidence.lineScores?.get(c.id) ?? null,
    };
    if (list) list.push(scored);
    else heldout.set(c.problemId, [scored]);
  }

  const byLanguage = new Map<string, HeldoutCandidate[][]>();
  for (const [problemId, list] of heldout) {
    const language = problems.get(problemId)!.language;
    byLanguage.set(language, [...(byLanguage.get(language) ?? []), list]);
  }

  const pooled = [...heldout.values()].flat();
  const edges = fixedEdges(pooled.map((s) => s.score), HISTOGRAM_BINS);
  const hist = (passed: boolean): Histogram => histogram(pooled.filter((s) => s.passed === passed).map((s) => s.score), edges);

  const trainFailing = candidates.filter((c) => problems.get(c.problemId)!.split === 'train' && verdicts.get(c.id)?.passed === false).length;
  const hardNegatives = listMined(db, iterationId, 'hard-negative').length;

  return {
    ...selection([...heldout.values()]),
    hard_negatives: hardNegatives,
    hard_negative_rate: trainFailing > 0 ? hardNegatives / trainFailing : null,
    disputed: listMined(db, iterationId, 'disputed').length,
    histogram: { edges, passing: hist(true).counts, failing: hist(false).counts },
    per_language: Object.fromEntries([...byLanguage].map(([language, lists]) => [language, selection(lists)])),
  };
}

function selection(problems: HeldoutCandidate[][]): SelectionMetrics {
  const rerank = rerankMetrics(problems);
  const counts = problems.map((list) => [list.length, list.filter((s) => s.passed).length] as const);
  const n = Math.min(...counts.map(([samples]) => samples));
  const ks = [...new Set([1, Number.isFinite(n) ? n : 1])];
  return {
    problems: rerank.problems,
    candidates: problems.reduce((sum, list) => sum + list.length, 0),
    rerank_pass1: rerank.rerankPass1,
    random_pass1: rerank.randomPass1,
    oracle_passn: rerank.oraclePassN,
    gap_closed: rerank.gapClosed,
    pass_at_k: problems.length === 0 ? {} : Object.fromEntries(ks.map((k) => [String(k), meanPassAtK(counts, k)])),
    reranker_auc: rocAuc(problems.flat()),
    pairwise_accuracy: pairwiseAccuracy(problems),
    baselines: baselines(problems),
  };
}
