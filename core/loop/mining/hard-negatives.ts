import { quantile } from './quantile';

export interface MinedCandidate {
  id: number;
  problemId: number;
  score: number;
  /** The verdict after a person's labels override the execution's. */
  passed: boolean;
}

export interface HardNegativeOptions {
  /**
   * best-passing: a failing candidate is hard when it outscores its problem's best passing one. quantile: when it
   * outscores the given quantile of its problem's passing scores (0.5: the median passing candidate).
   */
  rule: 'best-passing' | 'quantile';
  quantile: number;
}

export interface HardNegative {
  id: number;
  problemId: number;
  score: number;
  /** The passing score it beat. */
  threshold: number;
}

/**
 * Failing candidates the reranker still scores high: the negatives the next reward-model training up-weights. A
 * problem with no passing candidate is measured against the same rule over every passing score of the iteration.
 */
export function hardNegatives(candidates: readonly MinedCandidate[], options: HardNegativeOptions): HardNegative[] {
  const threshold = (scores: number[]): number =>
    options.rule === 'best-passing' ? Math.max(...scores) : quantile(scores, options.quantile);
  const allPassing = candidates.filter((c) => c.passed).map((c) => c.score);
  if (allPassing.length === 0) return [];
  const globalThreshold = threshold(allPassing);

  const byProblem = new Map<number, MinedCandidate[]>();
  for (const c of candidates) {
    const list = byProblem.get(c.problemId);
    if (list) list.push(c);
    else byProblem.set(c.problemId, [c]);
  }
  const result: HardNegative[] = [];
  for (const list of byProblem.values()) {
    const passing = list.filter((c) => c.passed).map((c) => c.score);
    const bar = passing.length > 0 ? threshold(passing) : globalThreshold;
    for (const c of list) {
      if (!c.passed && c.score > bar) result.push({ id: c.id, problemId: c.problemId, score: c.score, threshold: bar });
    }
  }
  return result.sort((a, b) => b.score - b.threshold - (a.score - a.threshold));
}
