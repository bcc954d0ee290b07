import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { emitProgram } from '../../../core/engine/emit';
import { Engine } from '../../../core/engine/engine';
import type { Tensor } from '../../../core/engine/graph';
import { input, matmul, param, reshape, sum } from '../../../core/engine/ops';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.start();
});
afterAll(async () => {
  await engine.close();
});

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
});
