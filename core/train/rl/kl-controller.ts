/**
 * The KL coefficient beta: fixed, or adapted toward a target KL per sequence (Ziegler et al., as TRL's
 * AdaptiveKLController): beta <- beta (1 + clip(KL / target - 1, -0.2, 0.2) n / horizon).
 */
export function nextKlCoef(beta: number, observedKl: number, o: { adaptive: boolean; target: number; horizon: number; n: number }): number {
  if (!o.adaptive) return beta;
  const error = Math.min(0.2, Math.max(-0.2, observedKl / o.target - 1));
  return beta * (1 + (error * o.n) / o.horizon);
}
