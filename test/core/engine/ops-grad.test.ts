import { describe, expect, test } from 'vitest';
import { attention, causalMask, crossEntropy, gelu, layerNorm, maskBias, rmsNorm, rotary, rotaryTables, silu } from '../../../core/engine/composites';
import { grad } from '../../../core/engine/autodiff';
import { emitProgram } from '../../../core/engine/emit';
import type { Tensor } from '../../../core/engine/graph';
import * as op from '../../../core/engine/ops';
import { checkGradient } from './gradcheck';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

const i64 = (values: number[], shape: number[]): Tensor => op.constant(BigInt64Array.from(values, BigInt), shape, 'int64');

// One case per primitive: [name, function, input specs]. Broadcasting shapes exercise the sum-back-to-shape pass.
const primitives: [string, (...x: Tensor[]) => Tensor, Parameters<typeof checkGradient>[2]][] = [
  ['Add', (a, b) => op.add(a!, b!), [{ shape: [2, 3] }, { shape: [3] }]],
  ['Sub', (a, b) => op.sub(a!, b!), [{ shape: [2, 1] }, { shape: [2, 3] }]],
  ['Mul', (a, b) => op.mul(a!, b!), [{ shape: [2, 3] }, { shape: [1, 3] }]],
  ['Div', (a, b) => op.div(a!, b!), [{ shape: [2, 3] }, { shape: [3], range: [0.5, 2] }]],
  ['Neg', (a) => op.neg(a!), [{ shape: [4] }]],
  ['Exp', (a) => op.exp(a!), [{ shape: [2, 2] }]],
  ['Log', (a) => op.log(a!), [{ shape: [5], range: [0.3, 3] }]],
  ['Sqrt', (a) => op.sqrt(a!), [{ shape: [5], range: [0.3, 3] }]],
  ['Tanh', (a) => op.tanh(a!), [{ shape: [5] }]],
  ['Sigmoid', (a) => op.sigmoid(a!), [{ shape: [5] }]],
  ['Relu', (a) => op.relu(a!), [{ shape: [4], values: [-0.7, -0.2, 0.3, 0.9] }]],
  ['Pow', (a) => op.pow(a!, 3), [{ shape: [4] }]],
  ['Where', (a, b) => op.where(op.greater(a!, 0), a!, b!), [{ shape: [2, 3], values: [-1, 0.5, 0.2, -0.3, 0.8, -0.9] }, { shape: [3] }]],
  ['MatMul (batched, broadcast)', (a, b) => op.matmul(a!, b!), [{ shape: [2, 3, 4] }, { shape: [1, 4, 2] }]],
  ['MatMul (shared weight)', (a, b) => op.matmul(a!, b!), [{ shape: [2, 3, 4] }, { shape: [4, 5] }]],
  ['Transpose', (a) => op.transpose(a!, [2, 0, 1]), [{ shape: [2, 3, 4] }]],
  ['Reshape', (a) => op.reshape(a!, [3, 4]), [{ shape: [2, 6] }]],
  ['ReshapeLike', (a, b) => op.mul(op.reshapeLike(a!, b!), b!), [{ shape: [6] }, { shape: [2, 3] }]],
  ['Unsqueeze', (a) => op.unsqueeze(a!, [0, -1]), [{ shape: [2, 3] }]],
  ['Squeeze', (a) => op.squeeze(a!, [1]), [{ shape: [2, 1, 3] }]],
  ['ExpandLike', (a, b) => op.mul(op.expandLike(a!, b!), b!), [{ shape: [2, 1] }, { shape: [2, 3] }]],
  ['ReduceSum', (a) => op.sum(a!, [0, 2]), [{ shape: [2, 3, 2] }]],
  ['ReduceMax', (a) => op.max(a!, [1], true), [{ shape: [2, 3] }]],
  ['Softmax', (a) => op.softmax(a!, -1), [{ shape: [2, 4] }]],
  ['LogSoftmax', (a) => op.logSoftmax(a!, 0), [{ shape: [3, 2] }]],
  ['Concat', (a, b) => op.concat([a!, b!], 1), [{ shape: [2, 1] }, { shape: [2, 3] }]],
  ['Slice', (a) => op.slice(a!, 1, 1, 3), [{ shape: [2, 4] }]],
  ['Slice (to the end)', (a) => op.slice(a!, 0, 1), [{ shape: [3, 2] }]],
  ['Pad', (a) => op.apply('Pad', [a!], { axis: 1, before: 2, after: 1 }), [{ shape: [2, 3] }]],
  ['Gather', (a) => op.gather(a!, i64([2, 0, 2, 1], [2, 2])), [{ shape: [3, 2] }]],
  ['GatherElements', (a) => op.gatherElements(a!, i64([1, 0, 2, 2], [2, 2]), 1), [{ shape: [2, 3] }]],
];

describe('every primitive VJP matches float64 central differences', () => {
  for (const [name, f, specs] of primitives) {
    test(name, async () => {
      expect(await checkGradient(engine, f, specs)).toBeLessThan(1e-6);
    });
  }
  test('Detach passes no gradient', async () => {
    const a = op.param('a', [3], 'float64');
    const [g] = grad(op.sum(op.mul(op.detach(a), a), [0]), [a]);
    const out = await engine.run(emitProgram({ g: g! }), { feeds: { a: { dtype: 'float64', dims: [3], data: Float64Array.of(1, -2, 3) } }, fetch: ['g'] });
    expect([...(out.g!.data as Float64Array)]).toEqual([1, -2, 3]);
  });
  test('Cast (through float32 and back)', async () => {
    const f = (a: Tensor): Tensor => op.cast(op.mul(op.cast(a, 'float32'), op.cast(a, 'float32')), 'float64');
    // float32 rounding limits what differences can resolve: a wider step and tolerance.
    expect(await checkGradient(engine, (a) => f(a!), [{ shape: [3] }], { h: 1e-2, tol: 1e-4 })).toBeLessThan(1e-4);
  });
});

describe('composites match float64 central differences', () => {
  test('layerNorm', async () => {
    await checkGradient(engine, (x, w, b) => layerNorm(x!, w!, b!), [{ shape: [2, 5] }, { shape: [5] }, { shape: [5] }]);
  });
  test('rmsNorm', async () => {
    await checkGradient(engine, (x, w) => rmsNorm(x!, w!), [{ shape: [2, 4] }, { shape: [4] }]);
  });
  test('gelu and silu', async () => {
    await checkGradient(engine, (x) => op.add(gelu(x!), silu(x!)), [{ shape: [6], range: [-3, 3] }]);
  });
  test('crossEntropy with a padding mask', async () => {
    const targets = i64([1, 3, 0, 2, 2, 1], [2, 3]);
    const mask = op.constant(Float64Array.of(1, 1, 0, 1, 1, 1), [2, 3], 'float64');
    await checkGradient(engine, (logits) => crossEntropy(logits!, targets, mask), [{ shape: [2, 3, 4], range: [-2, 2] }]);
  });
  test('causal attention', async () => {
    const shape = [1, 2, 3, 4];
    await checkGradient(engine, (q, k, v) => attention(q!, k!, v!, maskBias(causalMask(q!), 'float64')), [{ shape }, { shape }, { shape }]);
  });
  test('grouped-query attention (two query heads per key/value head)', async () => {
    const kv = [1, 2, 3, 4];
    await checkGradient(engine, (q, k, v) => attention(q!, k!, v!, maskBias(causalMask(q!), 'float64')), [{ shape: [1, 4, 3, 4] }, { shape: kv }, { shape: kv }]);
  });
  test('rotary embedding', async () => {
    const { cos, sin } = rotaryTables(8, 4);
    const c = op.constant(Float64Array.from(cos), [8, 2], 'float64');
    const s = op.constant(Float64Array.from(sin), [8, 2], 'float64');
    await checkGradient(engine, (x) => rotary(x!, i64([0, 3, 5], [1, 3]), c, s), [{ shape: [1, 2, 3, 4] }]);
  });
});
