import { expect } from 'vitest';
import { grad } from '../../../core/engine/autodiff';
import { emitProgram } from '../../../core/engine/emit';
import type { Engine } from '../../../core/engine/engine';
import type { Tensor } from '../../../core/engine/graph';
import { constant, mul, param, sum } from '../../../core/engine/ops';
import { Rng } from '../../../core/engine/rng';

export interface GradInput {
  shape: number[];
  /** Values drawn uniformly from [lo, hi) (default [-1, 1)); keep away from kinks and domain edges. */
  range?: [number, number];
  values?: number[];
}

/**
 * The one gradient check: builds f in float64, reduces its output with a fixed random cotangent to a scalar,
 * and compares the autodiff gradient of every input with float64 central differences run through the same
 * engine. Returns the worst relative error.
 */
export async function checkGradient(
  engine: Engine,
  f: (...xs: Tensor[]) => Tensor,
  specs: GradInput[],
  { h = 1e-6, tol = 1e-6, seed = 1 } = {},
): Promise<number> {
  const rng = new Rng(seed);
  const xs = specs.map((s, i) => param(`x${i}`, s.shape, 'float64'));
  const values = specs.map((s) => {
    const [lo, hi] = s.range ?? [-1, 1];
    const n = s.shape.reduce((a, b) => a * b, 1);
    return s.values ? Float64Array.from(s.values) : Float64Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
  });
  const y = f(...xs);
  const n = y.shape.reduce<number>((a, d) => a * (d as number), 1);
  const cot = constant(Float64Array.from({ length: n }, () => rng.uniform() - 0.5), y.shape, 'float64');
  const loss = sum(mul(y, cot), [...Array(y.rank).keys()]);
  const grads = grad(loss, xs);
  const lossOnly = emitProgram({ loss }, { optimization: 'basic' });
  const withGrads = emitProgram({ loss, ...Object.fromEntries(grads.map((g, i) => [`g${i}`, g])) }, { optimization: 'basic' });

  const feeds = (vals: Float64Array[]) =>
    Object.fromEntries(vals.map((v, i) => [`x${i}`, { dtype: 'float64' as const, dims: specs[i]!.shape, data: v }]));
  const at = async (vals: Float64Array[]): Promise<number> =>
    (await engine.run(lossOnly, { feeds: feeds(vals), fetch: ['loss'] })).loss!.data[0] as number;

  const analytic = await engine.run(withGrads, { feeds: feeds(values), fetch: grads.map((_, i) => `g${i}`) });
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const ga = analytic[`g${i}`]!.data as Float64Array;
    expect(ga.length).toBe(values[i]!.length);
    for (let j = 0; j < values[i]!.length; j++) {
      const plus = values.map((v) => v.slice());
      const minus = values.map((v) => v.slice());
      plus[i]![j]! += h;
      minus[i]![j]! -= h;
      const numeric = ((await at(plus)) - (await at(minus))) / (2 * h);
      const err = Math.abs(numeric - ga[j]!) / Math.max(1, Math.abs(numeric));
      worst = Math.max(worst, err);
      if (err > tol) {
        throw new Error(`input ${i} element ${j}: autodiff ${ga[j]} vs finite differences ${numeric} (rel. error ${err})`);
      }
    }
  }
  return worst;
}
