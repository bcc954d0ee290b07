import { expect, test } from 'vitest';
import { gae, groupAdvantages, lastRealToken, maskedMean, tokenRewards, whiten } from '../../../../core/train/rl/advantages';
import { klEstimate, klRows } from '../../../../core/train/rl/kl';
import { nextKlCoef } from '../../../../core/train/rl/kl-controller';

test('every KL estimator is exactly 0 when the policy equals the reference, and k3 is never negative', () => {
  const lp = [[-0.3, -2.1, -7.5, 0]];
  const mask = [[1, 1, 1, 0]];
  for (const kind of ['k1', 'k2', 'k3'] as const) expect(klRows(lp, lp, mask, kind)).toEqual([[0, 0, 0, 0]]);
  for (const [a, b] of [[-1, -3], [-3, -1], [-0.01, -5], [-20, -0.1]] as const) expect(klEstimate(a, b, 'k3')).toBeGreaterThanOrEqual(0);
  expect(klEstimate(-1, -3, 'k1')).toBeCloseTo(2, 12);
  expect(klEstimate(-1, -3, 'k2')).toBeCloseTo(2, 12);
  expect(klEstimate(0, -50, 'k1')).toBe(10); // clamped
});

test('the score lands on the last real token of right- and left-padded rows; padding gets 0; sum r = score - beta sum kl', () => {
  const kl = [
    [0.1, 0.2, 0.3, 9, 9],
    [9, 9, 0.5, 0.25, 0.125],
  ];
  const mask = [
    [1, 1, 1, 0, 0], // right-padded
    [0, 0, 1, 1, 1], // left-padded
  ];
  const r = tokenRewards(kl, mask, [2, -1], 0.5);
  expect(lastRealToken(mask[0]!)).toBe(2);
  expect(lastRealToken(mask[1]!)).toBe(4);
  expect(r[0]![3]).toBe(0);
  expect(r[0]![4]).toBe(0);
  expect(r[1]![0]).toBe(0);
  expect(r[1]![1]).toBe(0);
  expect(r[0]![2]).toBeCloseTo(2 - 0.5 * 0.3, 12);
  expect(r[0]![1]).toBeCloseTo(-0.1, 12);
  expect(r[1]![4]).toBeCloseTo(-1 - 0.5 * 0.125, 12);
  const sum = (row: number[]): number => row.reduce((a, b) => a + b, 0);
  expect(sum(r[0]!)).toBeCloseTo(2 - 0.5 * (0.1 + 0.2 + 0.3), 12);
  expect(sum(r[1]!)).toBeCloseTo(-1 - 0.5 * (0.5 + 0.25 + 0.125), 12);
  expect(tokenRewards([[0, 0]], [[1, 1]], [50], 0)[0]![1]).toBe(10); // the score is clipped
});

/** A_t = sum_{l >= 0} (gamma lambda)^l delta_{t+l}, each delta from its own definition: O(L^2). */
function bruteForceGae(r: number[], v: number[], gamma: number, lambda: number): number[] {
  const L = r.length;
  const delta = r.map((x, t) => x + gamma * (t + 1 < L ? v[t + 1]! : 0) - v[t]!);
  return r.map((_, t) => {
    let a = 0;
    for (let l = 0; t + l < L; l++) a += (gamma * lambda) ** l * delta[t + l]!;
    return a;
  });
}

test('GAE matches the brute-force sum over future deltas, with padding ignored', () => {
  const r = [0.3, -0.2, 0.1, 1.5, -0.4];
  const v = [0.5, -0.1, 0.7, 0.2, 0.9];
  for (const [gamma, lambda] of [[1, 0.95], [0.9, 0.8], [0.99, 1]] as const) {
    const want = bruteForceGae(r, v, gamma, lambda);
    const { advantages, returns } = gae([[...r, 7, 7]], [[...v, 3, 3]], [[1, 1, 1, 1, 1, 0, 0]], gamma, lambda);
    want.forEach((a, t) => expect(advantages[0]![t]).toBeCloseTo(a, 12));
    want.forEach((a, t) => expect(returns[0]![t]).toBeCloseTo(a + v[t]!, 12));
    expect(advantages[0]!.slice(5)).toEqual([0, 0]);
    expect(returns[0]!.slice(5)).toEqual([0, 0]);
  }
});

test('GAE with gamma = lambda = 1 and V = 0 is the reward-to-go; lambda = 0 gives the one-step delta', () => {
  const r = [1, 2, 3, 4];
  const { advantages, returns } = gae([r], [[0, 0, 0, 0]], [[1, 1, 1, 1]], 1, 1);
  expect(advantages[0]).toEqual([10, 9, 7, 4]);
  expect(returns[0]).toEqual([10, 9, 7, 4]);
  const v = [0.5, 0.25, 1, 2];
  const one = gae([r], [v], [[1, 1, 1, 1]], 0.9, 0);
  r.forEach((x, t) => expect(one.advantages[0]![t]).toBeCloseTo(x + 0.9 * (v[t + 1] ?? 0) - v[t]!, 12));
});

test('whitening gives mean 0 and variance 1 over the real tokens, padding stays 0', () => {
  const x = [
    [1, 5, 2, 100],
    [3, -4, 0, 0],
  ];
  const mask = [
    [1, 1, 1, 0],
    [1, 1, 0, 0],
  ];
  const w = whiten(x, mask);
  expect(maskedMean(w, mask)).toBeCloseTo(0, 12);
  expect(maskedMean(w.map((row) => row.map((v) => v * v)), mask)).toBeCloseTo(1, 6);
  expect([w[0]![3], w[1]![2], w[1]![3]]).toEqual([0, 0, 0]);
});

test('GRPO advantages are standardised within each group of the same prompt', () => {
  const scores = [1, 0, 0, 1, 5, 5, 2, 4];
  const groups = [0, 0, 0, 0, 1, 1, 2, 2];
  const a = groupAdvantages(scores, groups);
  // group 0: mean 0.5, population std 0.5
  expect(a.slice(0, 4).map((x) => Number(x.toFixed(5)))).toEqual([1, -1, -1, 1]);
  expect(a[4]).toBe(0); // equal scores: no signal
  expect(a[5]).toBe(0);
  expect(a[6]! + a[7]!).toBeCloseTo(0, 12);
  expect(a[7]).toBeCloseTo(1 / (1 + 1e-6), 9);
});

test('the adaptive KL coefficient moves toward the target by at most 20% x n / horizon, and a fixed one stays', () => {
  expect(nextKlCoef(0.1, 100, { adaptive: false, target: 6, horizon: 10, n: 10 })).toBe(0.1);
  expect(nextKlCoef(0.1, 100, { adaptive: true, target: 6, horizon: 10, n: 10 })).toBeCloseTo(0.12, 12);
  expect(nextKlCoef(0.1, 0, { adaptive: true, target: 6, horizon: 10, n: 5 })).toBeCloseTo(0.09, 12);
  expect(nextKlCoef(0.1, 6, { adaptive: true, target: 6, horizon: 10, n: 5 })).toBeCloseTo(0.1, 12);
});
