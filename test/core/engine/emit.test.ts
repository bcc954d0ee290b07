import onnxProto from 'onnx-proto';
import { expect, test } from 'vitest';
import { emitProgram } from '../../../core/engine/emit';
import type { Tensor } from '../../../core/engine/graph';
import { add, input, matmul, param, reshape, sum } from '../../../core/engine/ops';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

function build(): Tensor {
  const x = input('x', ['B', 'T', 4]);
  const w = param('w', [4, 3]);
  return sum(reshape(matmul(x, w), ['B*T', 3]), [1]);
}

test('the same graph built twice has one signature (one cached session)', () => {
  const a = emitProgram({ y: build() });
  const b = emitProgram({ y: build() });
  expect(a.key).toBe(b.key);
  expect(emitProgram({ y: build() }, { optimization: 'basic' }).key).not.toBe(a.key);
});

test('symbolic dims stay symbolic in the ONNX model and one session serves every batch and length', async () => {
  const program = emitProgram({ y: build() });
  const model = onnxProto.onnx.ModelProto.decode(program.bytes);
  expect(Number(model.opsetImport[0]!.version)).toBe(17);
  const dims = model.graph!.input!.find((i) => i.name === 'x')!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
  expect(dims).toEqual(['B', 'T', 4]);
  const w = { dtype: 'float32' as const, dims: [4, 3], data: new Float32Array(12).fill(1) };
  for (const [B, T] of [
    [1, 2],
    [3, 5],
  ] as const) {
    const x = { dtype: 'float32' as const, dims: [B, T, 4], data: new Float32Array(B * T * 4).fill(0.5) };
    const out = await engine.run(program, { feeds: { x, w }, fetch: ['y'] });
    expect(out.y!.dims).toEqual([B * T]);
    expect([...(out.y!.data as Float32Array)]).toEqual(new Array(B * T).fill(6));
  }
});

test('frozen params become initializers and are not inputs', () => {
  const program = emitProgram({ y: build() }, { frozen: new Map([['w', new Float32Array(12)]]) });
  expect(program.inputs.map((i) => i.name)).toEqual(['x']);
  const model = onnxProto.onnx.ModelProto.decode(program.bytes);
  expect(model.graph!.initializer!.some((t) => t.name === 'w')).toBe(true);
});

test('a run with a missing or unknown feed fails before reaching the runtime', async () => {
  const program = emitProgram({ y: build() });
  await expect(engine.run(program, { feeds: {}, fetch: ['y'] })).rejects.toThrow("run: input 'x' is not fed");
  const f = (dims: number[]) => ({ dtype: 'float32' as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
  await expect(engine.run(program, { feeds: { x: f([2, 3, 5]), w: f([4, 3]) } })).rejects.toThrow(
    "run: input 'x' has dims [2, 3, 5], the program takes [B, T, 4]",
  );
  await expect(engine.run(program, { feeds: { x: f([2, 3, 4]), w: f([4, 3]), z: f([1]) } })).rejects.toThrow("run: the program has no input 'z'");
  await expect(
    engine.run(program, { feeds: { x: { dtype: 'float64', dims: [1, 1, 4], data: new Float64Array(4) }, w: f([4, 3]) } }),
  ).rejects.toThrow("run: input 'x' is float64, the program takes float32[B, T, 4]");
});

test('a symbol bound to two sizes across inputs is refused', async () => {
  const a = input('a', ['B', 2]);
  const b = input('b', ['B', 2]);
  const program = emitProgram({ y: add(a, b) });
  const f = (n: number) => ({ dtype: 'float32' as const, dims: [n, 2], data: new Float32Array(n * 2) });
  await expect(engine.run(program, { feeds: { a: f(2), b: f(3) } })).rejects.toThrow("run: B is 2 in input 'a' but 3 in input 'b'");
  await engine.unload(program);
  expect((await engine.run(program, { feeds: { a: f(1), b: f(1) }, fetch: ['y'] })).y!.dims).toEqual([1, 2]);
});
