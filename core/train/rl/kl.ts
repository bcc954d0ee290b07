/**
 * Per-token estimators of KL(policy || reference) from the log-probs of the sampled token (Schulman's k1, k2, k3,
 * as OpenRLHF and verl compute them), clamped to [-10, 10] so one token cannot dominate a batch.
 */
export type KlEstimator = 'k1' | 'k2' | 'k3';

export function klEstimate(logp: number, refLogp: number, kind: KlEstimator): number {
  const d = logp - refLogp;
  // k1 is unbiased but can be negative per token; k3 = exp(-d) - 1 + d is unbiased too and never negative.
  const k = kind === 'k1' ? d : kind === 'k2' ? 0.5 * d * d : Math.exp(-d) - 1 + d;
  return Math.min(10, Math.max(-10, k));
}

/** The estimator over padded rows (B, T): 0 where mask is 0. */
export function klRows(logp: readonly number[][], refLogp: readonly number[][], mask: readonly number[][], kind: KlEstimator): number[][] {
  return logp.map((row, b) => row.map((lp, t) => (mask[b]![t] ? klEstimate(lp, refLogp[b]![t]!, kind) : 0)));
}
