import type { Scored } from './scored';

/**
 * ROC-AUC of the score as a pass/fail classifier over all candidates pooled: the probability that a random passing
 * candidate outscores a random failing one, ties counting half (Mann-Whitney U with mid-ranks). Null without both
 * classes.
 */
export function rocAuc(candidates: ReadonlyArray<Scored>): number | null {
  const positives = candidates.filter((c) => c.passed).length;
  const negatives = candidates.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...candidates].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.score === sorted[i]!.score) j++;
    const midRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (sorted[t]!.passed) rankSum += midRank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Pairwise accuracy within problems, the quantity Bradley-Terry training optimises: over every (passing, failing)
 * pair of the same problem, the share where the passing one scores higher (ties half). Null without any pair.
 */
export function pairwiseAccuracy(problems: ReadonlyArray<ReadonlyArray<Scored>>): number | null {
  let pairs = 0;
  let correct = 0;
  for (const candidates of problems) {
    const passing = candidates.filter((c) => c.passed).map((c) => c.score);
    const failing = candidates.filter((c) => !c.passed).map((c) => c.score);
    for (const p of passing) {
      for (const f of failing) {
        pairs++;
        correct += p > f ? 1 : p === f ? 0.5 : 0;
      }
    }
  }
  return pairs === 0 ? null : correct / pairs;
}
