/**
 * From per-token log-probs, values and one score per sequence to per-token advantages and returns: the pure
 * arithmetic of PPO and GRPO, on padded rows (B, T) with a 0/1 mask, so tests can check each step by hand.
 */

/** Index of the last real token of a masked row (left or right padding), or -1 for an empty row. */
export function lastRealToken(mask: readonly number[]): number {
  for (let t = mask.length - 1; t >= 0; t--) if (mask[t]) return t;
  return -1;
}

/**
 * Token rewards: r_t = -beta * kl_t on every real token, plus the sequence's score (clipped to (-10, 10)) on its
 * LAST REAL token (OpenRLHF and verl; TRL puts it one past the end). Padding gets 0.
 */
export function tokenRewards(kl: readonly number[][], mask: readonly number[][], scores: readonly number[], beta: number): number[][] {
  return kl.map((row, b) => {
    const r = row.map((k, t) => (mask[b]![t] ? -beta * k : 0));
    const last = lastRealToken(mask[b]!);
    if (last >= 0) r[last]! += Math.min(10, Math.max(-10, scores[b]!));
    return r;
  });
}

/**
 * Generalised advantage estimation backwards over each row's real tokens: delta_t = r_t + gamma V_next - V_t
 * (V past the last token is 0), A_t = delta_t + gamma lambda A_next; returns R_t = A_t + V_t, taken before any
 * whitening (the critic regresses on them). Padding gets 0 in both.
 */
export function gae(
  rewards: readonly number[][],
  values: readonly number[][],
  mask: readonly number[][],
  gamma: number,
  lambda: number,
): { advantages: number[][]; returns: number[][] } {
  const advantages = rewards.map((row) => row.map(() => 0));
  const returns = rewards.map((row) => row.map(() => 0));
  rewards.forEach((row, b) => {
    let nextValue = 0;
    let nextAdvantage = 0;
    for (let t = row.length - 1; t >= 0; t--) {
      if (!mask[b]![t]) continue;
      const v = values[b]![t]!;
      const delta = row[t]! + gamma * nextValue - v;
      nextAdvantage = delta + gamma * lambda * nextAdvantage;
      nextValue = v;
      advantages[b]![t] = nextAdvantage;
      returns[b]![t] = nextAdvantage + v;
    }
  });
  return { advantages, returns };
}

/** (x - mean) / sqrt(var + 1e-8) over the real tokens of the whole batch; padding stays 0. */
export function whiten(x: readonly number[][], mask: readonly number[][]): number[][] {
  let n = 0;
  let s = 0;
  x.forEach((row, b) => row.forEach((v, t) => mask[b]![t] && ((s += v), n++)));
  if (n === 0) return x.map((row) => row.map(() => 0));
  const mean = s / n;
  let ss = 0;
  x.forEach((row, b) => row.forEach((v, t) => mask[b]![t] && (ss += (v - mean) ** 2)));
  const scale = 1 / Math.sqrt(ss / n + 1e-8);
  return x.map((row, b) => row.map((v, t) => (mask[b]![t] ? (v - mean) * scale : 0)));
}

/**
 * GRPO: each sample's advantage is its score standardised within its group (the G samples of one prompt),
 * (r - mean) / (std + 1e-6) with the population std; the same for every token of the sample.
 */
export function groupAdvantages(scores: readonly number[], groups: readonly number[]): number[] {
  const members = new Map<number, number[]>();
  groups.forEach((g, i) => members.set(g, [...(members.get(g) ?? []), i]));
  const out = new Array<number>(scores.length).fill(0);
  for (const idx of members.values()) {
    const mean = idx.reduce((s, i) => s + scores[i]!, 0) / idx.length;
    const std = Math.sqrt(idx.reduce((s, i) => s + (scores[i]! - mean) ** 2, 0) / idx.length);
    for (const i of idx) out[i] = (scores[i]! - mean) / (std + 1e-6);
  }
  return out;
}

/** Mean over the real tokens of the batch. */
export function maskedMean(x: readonly number[][], mask: readonly number[][]): number {
  let n = 0;
  let s = 0;
  x.forEach((row, b) => row.forEach((v, t) => mask[b]![t] && ((s += v), n++)));
  return n ? s / n : 0;
}
