import { expect, test } from 'vitest';
import { emitProgram } from '../../../core/engine/emit';
import { add, greater, input, mul } from '../../../core/engine/ops';
import type { HostTensor } from '../../../core/engine/protocol';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import { lmLoss, lmLossInputs, transformerConfig, transformerParams } from '../../../core/models/transformer';
import { useEngine } from '../../support/engine-fixture';

// The copy program is how tensors move to and from a GPU (a direct read of a device tensor aborts natively); on
// the CPU it is selectable, so these tests prove it keeps the bytes a direct put and read keep.
const direct = useEngine();
const copied = useEngine({ copyThroughProgram: true });

const bytes = (t: HostTensor): number[] => [...new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)];

test('resident tensors of every dtype and rank put and read through the copy program keep the bytes of a direct read', async () => {
  const rng = new Rng(4);
  const x = input('x', ['B', 3]);
  const program = emitProgram({
    y: mul(x, 2),
    tokens: input('ids', ['N'], 'int64'),
    pos: greater(x, 0),
    s: add(input('scalar', []), 1),
    z: add(input('empty', [2, 0, 3], 'float64'), 1),
  });
  const feeds = {
    x: { dtype: 'float32' as const, dims: [4, 3], data: rng.normal(12) },
    ids: { dtype: 'int64' as const, dims: [5], data: BigInt64Array.of(-3n, 0n, 7n, 2n ** 40n, 1n) },
    scalar: { dtype: 'float32' as const, dims: [], data: Float32Array.of(0.25) },
    empty: { dtype: 'float64' as const, dims: [2, 0, 3], data: new Float64Array(0) },
  };
  const keep = { y: 'r/y', tokens: 'r/ids', pos: 'r/pos', s: 'r/s', z: 'r/z' };
  const put = { 'r/put': feeds.x, 'r/putIds': feeds.ids, 'r/putScalar': feeds.scalar };
  const names = [...Object.values(keep), ...Object.keys(put)];
  for (const engine of [direct, copied]) {
    await engine.run(program, { feeds, keep });
    await engine.put(put);
  }
  const [a, b] = [await direct.get(names), await copied.get(names)];
  for (const n of names) {
    expect(b[n]!.dtype).toBe(a[n]!.dtype);
    expect(b[n]!.dims).toEqual(a[n]!.dims);
    expect(bytes(b[n]!)).toEqual(bytes(a[n]!));
  }
  expect([...(b['r/y']!.data as Float32Array)]).toEqual([...feeds.x.data].map((v) => Math.fround(v * 2)));
  expect(b['r/s']!.data[0]).toBe(1.25);
  expect(await copied.locations([...names, 'r/none'])).toEqual({ ...Object.fromEntries(names.map((n) => [n, 'cpu'])), 'r/none': 'absent' });
});

test('a trainer read through the copy program gives the same parameters and moments; drop frees what it names', async () => {
  const cfg = transformerConfig({ vocabSize: 24, maxSeqLen: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
  const spec = () => ({ params: transformerParams(cfg, ['lm'], 2), inputs: lmLossInputs, loss: lmLoss.bind(null, cfg) });
  const rng = new Rng(9);
  const tokens = (): BigInt64Array => BigInt64Array.from({ length: 12 }, () => BigInt(rng.int(cfg.vocabSize)));
  const batches = Array.from({ length: 2 }, () => ({
    idx: { dtype: 'int64' as const, dims: [2, 6], data: tokens() },
    targets: { dtype: 'int64' as const, dims: [2, 6], data: tokens() },
    mask: { dtype: 'float32' as const, dims: [2, 6], data: new Float32Array(12).fill(1) },
  }));
  const states = [];
  for (const engine of [direct, copied]) {
    const trainer = await Trainer.create(engine, spec());
    for (const b of batches) await trainer.trainStep(b, 1e-2);
    states.push(await trainer.state());
  }
  const [a, b] = states;
  expect(Object.keys(b!.tensors).sort()).toEqual(Object.keys(a!.tensors).sort());
  for (const k of Object.keys(a!.tensors)) expect(bytes(b!.tensors[k]!)).toEqual(bytes(a!.tensors[k]!));

  await copied.put({ 'd/a': { dtype: 'float32', dims: [1], data: Float32Array.of(1) } });
  await copied.drop(['d/a']);
  await expect(copied.get(['d/a'])).rejects.toThrow("no resident tensor 'd/a' in the engine worker");
});
