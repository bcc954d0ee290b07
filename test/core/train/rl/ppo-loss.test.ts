import { describe, expect, test } from 'vitest';
import { grad } from '../../../../core/engine/autodiff';
import { emitProgram } from '../../../../core/engine/emit';
import type { Tensor } from '../../../../core/engine/graph';
import { constant, param, sum } from '../../../../core/engine/ops';
import { clamp, clippedSurrogate, clippedValueLoss, entropy, maximum } from '../../../../core/train/rl/ppo-loss';
import { checkGradient } from '../../engine/gradcheck';
import { useEngine } from '../../../support/engine-fixture';

const engine = useEngine();

const f64 = (values: number[], dims: number[]) => ({ dtype: 'float64' as const, dims, data: Float64Array.from(values) });

/** Runs f on float64 params x0, x1, ... and returns its output and the gradient of sum(output) w.r.t. each. */
async function run(f: (...x: Tensor[]) => Tensor, values: number[][], shape: number[]): Promise<{ y: number[]; g: number[][] }> {
  const xs = values.map((_, i) => param(`x${i}`, shape, 'float64'));
  const y = f(...xs);
  const gs = grad(sum(y, [...Array(y.rank).keys()]), xs);
  const program = emitProgram({ y, ...Object.fromEntries(gs.map((g, i) => [`g${i}`, g!])) }, { optimization: 'basic' });
  const out = await engine.run(program, { feeds: Object.fromEntries(values.map((v, i) => [`x${i}`, f64(v, shape)])), fetch: ['y', ...gs.map((_, i) => `g${i}`)] });
  return { y: [...(out.y!.data as Float64Array)], g: gs.map((_, i) => [...(out[`g${i}`]!.data as Float64Array)]) };
}

describe('the PPO objective built from primitives matches float64 central differences', () => {
  // log-ratios chosen away from the clip's kinks at log(1 +- 0.2)
  const logp = [-1.0, -0.5, -2.0, -0.1, -1.5, -0.7];
  const oldLogp = [-1.3, -0.45, -1.5, -0.12, -1.2, -0.9];
  test('clipped surrogate (w.r.t. log-probs and advantages)', async () => {
    const err = await checkGradient(engine, (lp, adv) => clippedSurrogate(lp!, oldConst(oldLogp), adv!, 0.2).perToken, [
      { shape: [6], values: logp },
      { shape: [6], values: [0.8, -0.6, 1.2, -1.1, 0.4, -0.3] },
    ]);
    expect(err).toBeLessThan(1e-6);
  });
  test('clipped value loss', async () => {
    const err = await checkGradient(engine, (v, old, r) => clippedValueLoss(v!, old!, r!, 0.2), [
      { shape: [5], values: [0.1, 0.9, -0.5, 0.3, 0.05] },
      { shape: [5], values: [0.2, 0.4, -0.45, 0.35, 0.6] },
      { shape: [5], values: [1.0, -0.2, 0.3, 0.32, -1] },
    ]);
    expect(err).toBeLessThan(1e-6);
  });
  test('entropy', async () => {
    expect(await checkGradient(engine, (z) => entropy(z!), [{ shape: [2, 5] }])).toBeLessThan(1e-6);
  });
  test('clamp and elementwise maximum', async () => {
    expect(await checkGradient(engine, (x) => clamp(x!, -0.5, 0.5), [{ shape: [4], values: [-0.9, -0.2, 0.3, 0.8] }])).toBeLessThan(1e-6);
    expect(await checkGradient(engine, (a, b) => maximum(a!, b!), [{ shape: [3], values: [1, -1, 0.5] }, { shape: [3], values: [0.2, 0.3, 0.9] }])).toBeLessThan(1e-6);
  });
});

const oldConst = (v: number[]): Tensor => constant(Float64Array.from(v), [v.length], 'float64');

test("the surrogate's gradient is zero where the clip binds and -A ratio where it does not", async () => {
  // ratios: 1.5 (A > 0, above 1 + eps: clipped), 0.5 (A < 0, below 1 - eps: clipped), 1.1 (A > 0, inside),
  // 0.5 (A > 0: below the range, the unclipped term is the larger loss, so it still pulls), 1.5 (A < 0: same)
  const ratios = [1.5, 0.5, 1.1, 0.5, 1.5];
  const adv = [1, -1, 2, 1, -1];
  const old = [-1, -1, -1, -1, -1];
  const logp = ratios.map((r, i) => old[i]! + Math.log(r));
  const { g, y } = await run((lp) => clippedSurrogate(lp!, oldConst(old), oldConst(adv), 0.2).perToken, [logp], [5]);
  expect(g[0]![0]).toBe(0);
  expect(g[0]![1]).toBe(0);
  expect(g[0]![2]).toBeCloseTo(-2 * 1.1, 9);
  expect(g[0]![3]).toBeCloseTo(-0.5, 9);
  expect(g[0]![4]).toBeCloseTo(1.5, 9);
  expect(y[0]).toBeCloseTo(-1.2, 9);
  const { y: clipped } = await run((lp) => clippedSurrogate(lp!, oldConst(old), oldConst(adv), 0.2).clipped, [logp], [5]);
  expect(clipped).toEqual([1, 1, 0, 0, 0]);
});

test('the clipped value loss equals plain 0.5 MSE when V = V_old', async () => {
  const v = [0.3, -1.2, 2.5];
  const r = [1.0, 0.4, -3];
  const { y } = await run((a, b) => clippedValueLoss(a!, a!, b!, 0.2), [v, r], [3]);
  y.forEach((x, i) => expect(x).toBeCloseTo(0.5 * (v[i]! - r[i]!) ** 2, 12));
});

test('uniform logits have entropy log |V|', async () => {
  const { y } = await run((z) => entropy(z!), [[0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]], [1, 7]);
  expect(y[0]).toBeCloseTo(Math.log(7), 12);
});
