import { expect, test } from 'vitest';
import { tokenRewards } from '../../../../core/train/rl/advantages';
import { denseLambda, denseRow, lineEndPositions, withDenseRewards } from '../../../../core/train/rl/dense-rewards';
import { ppoConfigSchema, ppoOverridesSchema } from '../../../../core/train/ppo-config';

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]): number => sum(xs) / xs.length;
const lambdas = { denseLambdaFail: 0.25, denseLambdaPass: 0.025 };

test("a response's rewards sum to lambda times the mean PRM score over its lines, plus the outcome, minus beta times its KL", () => {
  // prompt of 3 tokens, completion of 6 (positions 2..7), right padding after; lines end at completion tokens 1, 3, 5
  const mask = [[0, 0, 1, 1, 1, 1, 1, 1, 0, 0]];
  const kl = [[0, 0, 0.1, -0.05, 0.2, 0.3, 0, 0.15, 0, 0]];
  const lineScores = [0.9, -0.4, 0.7];
  const positions = lineEndPositions(mask[0]!, 3, [1, 3, 5]);
  expect(positions).toEqual([3, 5, 7]);
  const outcome: number = 0; // fails its tests
  const lambda = denseLambda(outcome === 1, lambdas);
  const beta = 0.05;
  const { rewards, denseTotals } = withDenseRewards(tokenRewards(kl, mask, [outcome], beta), [{ positions, scores: lineScores, lambda }]);
  expect(denseTotals[0]).toBeCloseTo(0.25 * mean(lineScores), 12);
  expect(sum(rewards[0]!)).toBeCloseTo(0.25 * mean(lineScores) + outcome - beta * sum(kl[0]!), 12);
  // each line's share sits on its last token: lambda * score / T
  expect(rewards[0]![3]).toBeCloseTo(-beta * -0.05 + (0.25 * 0.9) / 3, 12);
  expect(rewards[0]![8]).toBe(0);
});

test('lambda switches with pass and fail: 0.25 for a failing response, 0.025 for a passing one (configurable)', () => {
  expect(denseLambda(false, lambdas)).toBe(0.25);
  expect(denseLambda(true, lambdas)).toBe(0.025);
  const config = ppoConfigSchema.parse({ denseReward: true, denseLambdaFail: 0.5, denseLambdaPass: 0.1 });
  expect(denseLambda(false, config)).toBe(0.5);
  expect(denseLambda(true, config)).toBe(0.1);
  // the same lines and scores: a passing response gets a tenth of the failing one's dense reward
  const row = (passed: boolean): number => sum(denseRow(6, [1, 3, 5], [0.8, 0.6, 0.4], denseLambda(passed, lambdas)));
  expect(row(true) / row(false)).toBeCloseTo(0.1, 12);
});

test('duplicating a line does not raise the total: the dense reward is a mean over lines, not a sum', () => {
  // the PRM likes every prefix equally: an unnormalised sum would grow by a line's score for every copy
  const scores = [0.6, 0.6, 0.6];
  const total = sum(denseRow(8, [1, 3, 6], scores, 0.25));
  const duplicated = sum(denseRow(10, [1, 3, 5, 8], [...scores, 0.6], 0.25));
  expect(duplicated).toBeCloseTo(total, 12);
  // with varying scores, copying a line (whose prefix scores at most the response's best) never beats the best line
  const varied = [0.9, -0.2, 0.5, 0.1];
  for (let copies = 0; copies < 20; copies++) {
    const withCopies = [...varied, ...new Array<number>(copies).fill(0.5)];
    const positions = withCopies.map((_, m) => m);
    expect(sum(denseRow(withCopies.length, positions, withCopies, 0.25))).toBeLessThanOrEqual(0.25 * Math.max(...varied) + 1e-12);
  }
});

test("a line end past the response's last token (a stop sequence cut inside it) lands on the last token; lines sharing a token add up", () => {
  const mask = [0, 1, 1, 1, 0, 0];
  expect(lineEndPositions(mask, 2, [0, 4, 7])).toEqual([1, 3, 3]);
  expect(lineEndPositions([0, 0, 0], 2, [0])).toEqual([]);
  const row = denseRow(4, [1, 3, 3], [0.3, 0.6, 0.9], 0.3);
  expect(row[3]).toBeCloseTo((0.3 * (0.6 + 0.9)) / 3, 12);
  expect(() => denseRow(4, [1, 3], [0.3], 0.3)).toThrow('1 line scores for 2 lines');
});

test("the config's switches: valueInit 'prm' needs a separate critic, dense reward and value init need PPO", () => {
  expect(() => ppoConfigSchema.parse({ valueInit: 'prm' })).toThrow("valueInit 'prm' needs critic 'separate'");
  expect(() => ppoConfigSchema.parse({ algorithm: 'grpo', denseReward: true })).toThrow("dense reward and value init are PPO's");
  const c = ppoConfigSchema.parse({});
  expect([c.critic, c.valueInit, c.denseReward, c.denseLambdaFail, c.denseLambdaPass]).toEqual(['shared', 'none', false, 0.25, 0.025]);
});

test('overrides of some ppo fields parse on their own (the bench commands), unknown keys refused', () => {
  expect(ppoOverridesSchema.parse({ denseReward: true, updates: 2 })).toEqual({ denseReward: true, updates: 2 });
  expect(() => ppoOverridesSchema.parse({ dense: true })).toThrow();
});
