import { expect, test } from 'vitest';
import { emitProgram } from '../../../core/engine/emit';
import { GraphError } from '../../../core/engine/graph';
import { add, concat, input, matmul, param, reshape, softmax } from '../../../core/engine/ops';
import { transformerHidden, transformerParams } from '../../../core/models/transformer';
import { tinyLM } from './lm-fixture';

const here = /\(at test\/core\/engine\/shapes\.test\.ts:\d+:\d+\)$/;

test('a MatMul shape mismatch names the op, both shapes and the calling line', () => {
  const a = input('a', ['B', 3]);
  const b = input('b', [4, 5]);
  expect(() => matmul(a, b)).toThrow(GraphError);
  expect(() => matmul(a, b)).toThrow(/^MatMul: inner dims differ: \[B, 3\] @ \[4, 5\] \(3 vs 4\)/);
  expect(() => matmul(a, b)).toThrow(here);
});

test('symbolic dims broadcast only against themselves or 1', () => {
  const a = input('a', ['B', 3]);
  expect(add(a, input('c', [1, 3])).shape).toEqual(['B', 3]);
  expect(() => add(a, input('d', ['T', 3]))).toThrow(/^Add: shapes \[B, 3\] and \[T, 3\] don't broadcast \(dim 0: B vs T\)/);
});

test('reshape and concat check sizes at build time', () => {
  const x = input('x', ['B', 'T', 6]);
  expect(reshape(x, ['B*T', 6]).shape).toEqual(['B*T', 6]);
  expect(() => reshape(x, ['B', 'T', 4])).toThrow(/^Reshape: can't reshape \[B, T, 6\] to \[B, T, 4\]: sizes differ/);
  expect(() => concat([x, input('y', ['B', 2, 5])], 1)).toThrow(/^Concat: can't concatenate/);
  expect(() => softmax(x, 3)).toThrow(/^Softmax: axis 3 is out of range for rank 3/);
});

test('an error inside a model names the model line that built the op', () => {
  const specs = transformerParams(tinyLM);
  const p = Object.fromEntries(Object.entries(specs).map(([n, s]) => [n, param(n, s.shape)]));
  const idx = input('idx', ['B', 'T'], 'int64');
  const pos = input('pos', ['B', 'S'], 'int64');
  expect(() => transformerHidden(tinyLM, p, idx, { pos })).toThrow(
    /^Add: shapes \[B, T, 32\] and \[B, S, 32\] don't broadcast \(dim 1: T vs S\) \(at core\/models\/transformer\.ts:\d+:\d+\)$/,
  );
  expect(() => reshape(input('mask', ['B', 'T']), ['B', 'T', 0.5, 2])).toThrow(/^Reshape: target dim 0.5 in \[B, T, 0.5, 2\] is not a positive integer/);
});

test('two different tensors with one name are refused when emitted', () => {
  const a = input('same', [2]);
  const b = input('same', [2]);
  expect(() => emitProgram({ y: add(a, b) })).toThrow(/two different tensors are named 'same'/);
});
