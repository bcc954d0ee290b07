import { afterAll, expect, test } from 'vitest';
import type { HostTensor } from '../../../core/engine/protocol';
import { Rng } from '../../../core/engine/rng';
import { Trainer, type TrainSpec } from '../../../core/engine/trainer';
import { lmLoss, lmLossInputs, transformerConfig, transformerParams } from '../../../core/models/transformer';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();
afterAll(() => engine.close());

const cfg = transformerConfig({ vocabSize: 40, maxSeqLen: 16, nLayer: 2, nHead: 2, nEmbd: 16 });
const spec = (): TrainSpec => ({
  params: transformerParams(cfg, ['lm'], 3),
  inputs: lmLossInputs,
  loss: (p, x) => lmLoss(cfg, p, x),
  // Clipping on, so the loop's steps also carry the global-norm branch.
  optimizer: { clipNorm: 0.5 },
});

function batch(rng: Rng, B: number, T: number): Record<string, HostTensor> {
  const tokens = (): BigInt64Array => BigInt64Array.from({ length: B * T }, () => BigInt(rng.int(cfg.vocabSize)));
  const mask = Float32Array.from({ length: B * T }, (_, i) => (i % T < T - 2 || i < T ? 1 : 0));
  return { idx: { dtype: 'int64', dims: [B, T], data: tokens() }, targets: { dtype: 'int64', dims: [B, T], data: tokens() }, mask: { dtype: 'float32', dims: [B, T], data: mask } };
}

test('K steps as one ONNX Loop give the parameters, moments, losses and step count of K single steps', async () => {
  const rng = new Rng(5);
  const batches = Array.from({ length: 4 }, () => batch(rng, 3, 8));
  const lrs = [1e-2, 2e-2, 1.5e-2, 5e-3];
  const single = await Trainer.create(engine, spec());
  const looped = await Trainer.create(engine, spec());
  const singleResults = [];
  for (let i = 0; i < batches.length; i++) singleResults.push(await single.trainStep(batches[i]!, lrs[i]!));
  // Two calls: the step counter (AdamW's bias correction) must carry across runs too.
  const loopResults = [...(await looped.trainSteps(batches.slice(0, 3), lrs.slice(0, 3))), ...(await looped.trainSteps(batches.slice(3), lrs.slice(3)))];
  expect(looped.stepCount).toBe(4);
  for (let i = 0; i < 4; i++) {
    expect(loopResults[i]!.loss).toBeCloseTo(singleResults[i]!.loss, 5);
    expect(loopResults[i]!.gradNorm).toBeCloseTo(singleResults[i]!.gradNorm, 5);
  }
  expect(singleResults[3]!.loss).not.toBeCloseTo(singleResults[0]!.loss, 3);
  const [a, b] = [await single.state(), await looped.state()];
  let worst = 0;
  for (const [name, t] of Object.entries(a.tensors)) {
    const u = b.tensors[name]!.data as Float32Array;
    (t.data as Float32Array).forEach((x, i) => (worst = Math.max(worst, Math.abs(x - u[i]!))));
  }
  expect(Object.keys(b.tensors).sort()).toEqual(Object.keys(a.tensors).sort());
  expect(worst).toBeLessThan(1e-6);
});

test('stacked batches must share dims: a mismatch names the input and both shapes', async () => {
  const rng = new Rng(6);
  const trainer = await Trainer.create(engine, spec());
  await expect(trainer.trainSteps([batch(rng, 3, 8), batch(rng, 3, 6)], [1e-3, 1e-3])).rejects.toThrow(
    "trainSteps: input 'idx' of batch 1 is int64[3,6], batch 0's is int64[3,8] (stacked batches share dims)",
  );
  await expect(trainer.trainSteps([batch(rng, 3, 8)], [])).rejects.toThrow('trainSteps: 1 batches but 0 learning rates');
});
