/**
 * The picks a reranker has to beat, each choosing one of a problem's N candidates without its hidden tests:
 * - random: a uniformly random sample (its expected pass rate, the mean pass fraction);
 * - mean_logprob / sum_logprob: the highest mean or summed token log-prob under the generator that sampled them;
 * - majority: the most frequent normalized program (identical programs vote for each other);
 * - agreement: execution agreement (CodeT, MBR-exec): candidates that print the same outputs on inputs without
 *   expected outputs form a cluster; pick from the largest;
 * - agreement_rerank: the combined pick, agreement clusters weighed by the reranker (each cluster's share of the
 *   softmax of the reranker's scores), then the reranker's best in the chosen cluster;
 * - oracle: any passing candidate (pass@N);
 * - prm_mean / prm_min (when the iteration trained a process reward model): the highest mean, or the highest
 *   lowest, of the PRM's per-line scores (a program is as good as its worst line). They sit beside the baselines,
 *   optional, so metrics of runs without a PRM keep their shape.
 * Ties are broken deterministically by the earliest sample: samples are drawn independently, so the earliest of a
 * tie is as good as a random one of it, and a run's figures reproduce exactly.
 */

export interface BaselineCandidate {
  passed: boolean;
  /** Position among the problem's samples: the tie-breaker. */
  order: number;
  /** Token log-probs under the generator that sampled the candidate; null when unknown. */
  meanLogProb: number | null;
  sumLogProb: number | null;
  /** The program with formatting removed (see normalizeProgram). */
  normalized: string;
  /** What the candidate printed on the agreement inputs; null when it printed nothing usable (crashed on load). */
  outputs: string | null;
  /** The reranker's score, when there is a reranker. */
  score?: number;
  /** The process reward model's per-line scores, when the iteration has a PRM. */
  lineScores?: readonly number[] | null;
}

export const baselineNames = ['random', 'mean_logprob', 'sum_logprob', 'majority', 'agreement', 'agreement_rerank', 'oracle'] as const;
export type BaselineName = (typeof baselineNames)[number];
/** Held-out pass@1 of each pick; null where a pick could not be made for any problem (no log-probs, no reranker). */
export type Baselines = Record<BaselineName, number | null> & Partial<Record<PrmPickName, number | null>>;
export const prmPickNames = ['prm_mean', 'prm_min'] as const;
export type PrmPickName = (typeof prmPickNames)[number];
/** The picks that run nothing: what "the best free baseline" means. */
export const freeBaselines = ['random', 'mean_logprob', 'sum_logprob', 'majority'] as const satisfies readonly BaselineName[];

/** Lines right-trimmed, blank and comment-only lines dropped, runs of spaces inside a line made one. */
export function normalizeProgram(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const indent = /^\s*/.exec(line)![0];
      return indent + line.slice(indent.length).replace(/[ \t]+/g, ' ').trimEnd();
    })
    .filter((line) => {
      const body = line.trim();
      return body !== '' && !body.startsWith('#') && !body.startsWith('//');
    })
    .join('\n');
}

/** The candidate with the highest key, the earliest on ties; null keys never win; null if no key. */
function argmax<T extends BaselineCandidate>(candidates: readonly T[], key: (c: T) => number | null): T | null {
  let best: T | null = null;
  let bestKey = -Infinity;
  for (const c of candidates) {
    const k = key(c);
    if (k === null || Number.isNaN(k)) continue;
    if (best === null || k > bestKey || (k === bestKey && c.order < best.order)) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

/** Groups by a key (null keys grouped nowhere), each group in sample order, groups ordered by their earliest sample. */
function clusters<T extends BaselineCandidate>(candidates: readonly T[], key: (c: T) => string | null): T[][] {
  const groups = new Map<string, T[]>();
  for (const c of [...candidates].sort((a, b) => a.order - b.order)) {
    const k = key(c);
    if (k === null) continue;
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  return [...groups.values()];
}

/** The earliest sample of the largest group (the earliest group on ties); null when there is no group. */
function largestGroupPick<T extends BaselineCandidate>(groups: readonly T[][]): T | null {
  let best: T[] | null = null;
  for (const g of groups) if (best === null || g.length > best.length) best = g;
  return best?.[0] ?? null;
}

/** Each pick's candidate for one problem (null where that pick has nothing to go on). */
export function picks(candidates: readonly BaselineCandidate[]): Record<Exclude<BaselineName, 'random' | 'oracle'> | PrmPickName, BaselineCandidate | null> {
  const earliest = argmax(candidates, (c) => -c.order);
  const majority = largestGroupPick(clusters(candidates, (c) => c.normalized)) ?? earliest;
  const agreementGroups = clusters(candidates, (c) => c.outputs);
  // No candidate ran on the agreement inputs (another language, or all crashed): identical programs are the only agreement.
  const agreement = largestGroupPick(agreementGroups) ?? majority;
  return {
    mean_logprob: argmax(candidates, (c) => c.meanLogProb),
    sum_logprob: argmax(candidates, (c) => c.sumLogProb),
    majority,
    agreement,
    agreement_rerank: candidates.every((c) => c.score !== undefined) ? combinedPick(candidates, agreementGroups) : null,
    // A line-less candidate (empty completion) has no line to score: it is never the PRM's pick.
    prm_mean: argmax(candidates, (c) => (c.lineScores?.length ? c.lineScores.reduce((a, b) => a + b, 0) / c.lineScores.length : null)),
    prm_min: argmax(candidates, (c) => (c.lineScores?.length ? Math.min(...c.lineScores) : null)),
  };
}

/**
 * Agreement weighed by the reranker: softmax the reranker's scores over the problem's candidates, give each cluster
 * its members' share (so a cluster's size counts, and so does how much the reranker likes it), choose the heaviest
 * cluster, then the reranker's best inside it. Candidates outside every cluster count as clusters of one.
 */
function combinedPick(candidates: readonly BaselineCandidate[], groups: readonly BaselineCandidate[][]): BaselineCandidate | null {
  if (candidates.length === 0) return null;
  const clustered = new Set(groups.flat());
  const all = [...groups, ...candidates.filter((c) => !clustered.has(c)).map((c) => [c])];
  const top = Math.max(...candidates.map((c) => c.score!));
  const mass = (g: readonly BaselineCandidate[]): number => g.reduce((sum, c) => sum + Math.exp(c.score! - top), 0);
  let best: { group: BaselineCandidate[]; mass: number; first: number } | null = null;
  for (const group of all) {
    const m = mass(group);
    const first = Math.min(...group.map((c) => c.order));
    if (best === null || m > best.mass || (m === best.mass && first < best.first)) best = { group, mass: m, first };
  }
  return argmax(best!.group, (c) => c.score!);
}

/** Mean pass rate of each pick over problems (problems without candidates skipped). */
export function baselines(problems: ReadonlyArray<ReadonlyArray<BaselineCandidate>>): Baselines {
  const names = [...baselineNames, ...prmPickNames];
  type Name = (typeof names)[number];
  const sums = Object.fromEntries(names.map((n) => [n, 0])) as Record<Name, number>;
  const made: Record<Name, number> = { ...sums };
  let counted = 0;
  for (const candidates of problems) {
    if (candidates.length === 0) continue;
    counted++;
    const passing = candidates.filter((c) => c.passed).length;
    sums.random += passing / candidates.length;
    sums.oracle += passing > 0 ? 1 : 0;
    made.random++;
    made.oracle++;
    const earliest = argmax(candidates, (c) => -c.order)!;
    for (const [name, pick] of Object.entries(picks(candidates)) as Array<[Name, BaselineCandidate | null]>) {
      if (pick !== null) made[name]++;
      // Where a pick has nothing to go on for this problem, it takes the earliest sample (what a random pick would).
      sums[name] += (pick ?? earliest).passed ? 1 : 0;
    }
  }
  const figure = (name: Name): number | null => (counted === 0 || made[name] === 0 ? null : sums[name] / counted);
  const result = {} as Baselines;
  for (const name of baselineNames) result[name] = figure(name);
  // The PRM's picks only where some candidate had line scores: a run without a PRM keeps its metrics' shape.
  for (const name of prmPickNames) if (made[name] > 0) result[name] = figure(name);
  return result;
}
