/**
 * Bradley-Terry training pairs from judged candidates: within each problem, every passing candidate against every
 * failing one (copies of the same text counted once), a person's label overriding the execution verdict, at most `maxPairsPerProblem` per problem (drawn
 * at random, seeded) so each problem weighs about the same, and pairs whose failing side is a mined hard negative
 * up-weighted.
 */
import { Rng } from '../engine/rng';

export interface JudgedCandidate {
  id: string;
  taskId: string;
  /** The execution verdict: all tests passed. */
  passed: boolean;
  /** A person's label (true: correct), which overrides the verdict; null or absent: none. */
  label?: boolean | null;
  /** Mined as a hard negative (a failing candidate the previous reranker scored high). */
  hardNegative?: boolean;
  /** The completion text: copies of one text within a problem make one candidate (sampling repeats itself). */
  text?: string;
}

export interface Pair {
  taskId: string;
  chosen: string;
  rejected: string;
  weight: number;
}

/** The verdict that counts: a person's label when there is one, else the execution's. */
export const effectivePass = (c: JudgedCandidate): boolean => c.label ?? c.passed;

export function buildPairs(
  candidates: readonly JudgedCandidate[],
  options: { maxPairsPerProblem: number; hardNegativeWeight: number; seed: number },
): Pair[] {
  const byTask = new Map<string, JudgedCandidate[]>();
  const seen = new Set<string>();
  for (const c of candidates) {
    if (c.text !== undefined) {
      const key = JSON.stringify([c.taskId, effectivePass(c), c.text]);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const list = byTask.get(c.taskId);
    if (list) list.push(c);
    else byTask.set(c.taskId, [c]);
  }
  const rng = new Rng(options.seed);
  const pairs: Pair[] = [];
  for (const [taskId, list] of [...byTask.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const pos = list.filter(effectivePass);
    const neg = list.filter((c) => !effectivePass(c));
    const all: Pair[] = [];
    for (const p of pos) {
      for (const n of neg) all.push({ taskId, chosen: p.id, rejected: n.id, weight: n.hardNegative ? options.hardNegativeWeight : 1 });
    }
    // A partial Fisher-Yates draws maxPairsPerProblem of them uniformly.
    const k = Math.min(options.maxPairsPerProblem, all.length);
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(all.length - i);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    pairs.push(...all.slice(0, k));
  }
  return pairs;
}
