/**
 * The weight of the reranker's log-prob term, fitted before Bradley-Terry training. The generator's mean token
 * log-prob alone already orders a problem's candidates well (within-problem pairwise accuracy 0.93 on the embedded
 * default's held-out samples), but its differences are small (tenths of a nat), so with a fixed weight of 1 the loss
 * wants much larger margins and the only way to get them is through the head: it grew large, noisy scores that
 * swamped the log-prob term (the trained reranker's pick fell to about random). Fitting the weight first gives the
 * log-prob term the margins it deserves, so the head only has to learn what the likelihood misses.
 */

/** One pair's log-prob difference (chosen minus rejected) and its loss weight. */
export interface ScaleSample {
  diff: number;
  weight: number;
}

/**
 * argmin_a  sum_i w_i softplus(-a d_i) + (ridge / 2) a^2 over a in [0, maxScale], by Newton's method (the objective
 * is convex in a). The small ridge keeps a finite when the pairs are separable by the log-prob alone.
 */
export function fitLogProbScale(samples: readonly ScaleSample[], options: { start?: number; maxScale?: number; ridge?: number } = {}): number {
  const maxScale = options.maxScale ?? 100;
  const totalWeight = samples.reduce((s, x) => s + x.weight, 0);
  if (samples.length === 0 || totalWeight === 0) return options.start ?? 1;
  const ridge = (options.ridge ?? 1e-3) * totalWeight;
  let a = Math.min(Math.max(options.start ?? 1, 0), maxScale);
  for (let iter = 0; iter < 100; iter++) {
    let grad = ridge * a;
    let hess = ridge;
    for (const { diff, weight } of samples) {
      const p = 1 / (1 + Math.exp(a * diff)); // sigmoid(-a d)
      grad -= weight * diff * p;
      hess += weight * diff * diff * p * (1 - p);
    }
    const next = Math.min(Math.max(a - grad / hess, 0), maxScale);
    if (Math.abs(next - a) < 1e-6 * Math.max(1, a)) return next;
    a = next;
  }
  return a;
}
