/**
 * Checkpoint selection for the reranker. Bradley-Terry on a few hundred problems overfits: on the studio run's
 * store the generator's log-prob alone ordered 92.7% of held-out pairs and the trained reranker 73.7%, while it kept
 * improving on its training pairs. So a slice of the training problems (never the held-out ones, which report the
 * result) is set aside, and the weights kept are those of the step that orders that slice's pairs best; step 0 (the
 * reward head at zero, i.e. the fitted log-prob term alone) is a candidate too, so training can only be kept where
 * it helps.
 */
import { Rng } from '../engine/rng';
import type { Pair } from './pairs';

export interface PairSplit {
  train: Pair[];
  validation: Pair[];
}

/** Sets aside floor(share x problems) whole problems (drawn with `seed`); none when that is under two. */
export function splitPairsByProblem(pairs: readonly Pair[], share: number, seed: number): PairSplit {
  const tasks = [...new Set(pairs.map((p) => p.taskId))].sort();
  const count = Math.floor(share * tasks.length);
  if (count < 2 || count >= tasks.length) return { train: [...pairs], validation: [] };
  const rng = new Rng(seed ^ 0x7a11d);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(tasks.length - i);
    [tasks[i], tasks[j]] = [tasks[j]!, tasks[i]!];
  }
  const held = new Set(tasks.slice(0, count));
  return { train: pairs.filter((p) => !held.has(p.taskId)), validation: pairs.filter((p) => held.has(p.taskId)) };
}

/** Weighted share of pairs whose chosen side scores above the rejected one (ties count half). */
export function pairAccuracy(pairs: readonly Pair[], score: ReadonlyMap<string, number>): number {
  let right = 0;
  let total = 0;
  for (const p of pairs) {
    const d = score.get(p.chosen)! - score.get(p.rejected)!;
    right += p.weight * (d > 0 ? 1 : d === 0 ? 0.5 : 0);
    total += p.weight;
  }
  return total > 0 ? right / total : 0;
}
