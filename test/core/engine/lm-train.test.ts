import { describe, expect, test } from 'vitest';
import { warmupCosine } from '../../../core/engine/adamw';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import { countingRows, lmBatch, lmSpec as spec, tinyLM } from './lm-fixture';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

describe('training the transformer inside the graph', () => {
  test('the loss falls and the parameters change', async () => {
    const trainer = await Trainer.create(engine, spec(0));
    const before = await trainer.parameters();
    const rng = new Rng(7);
    const losses: number[] = [];
    for (let step = 1; step <= 60; step++) {
      const lr = warmupCosine(step, { peak: 1e-2, warmup: 5, total: 60 });
      const { loss, gradNorm } = await trainer.trainStep(lmBatch(countingRows(rng, 4, 17, tinyLM.vocabSize)), lr);
      expect(Number.isFinite(gradNorm)).toBe(true);
      losses.push(loss);
    }
    const after = await trainer.parameters();
    expect(after['h.0.attn.c_attn.weight']!.data).not.toEqual(before['h.0.attn.c_attn.weight']!.data);
    expect(losses[0]).toBeGreaterThan(Math.log(tinyLM.vocabSize) - 0.3);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
  });

  test('two accumulated micro-batches give the step of their union', async () => {
    const rng = new Rng(3);
    const rows = countingRows(rng, 4, 9, tinyLM.vocabSize);
    // A large eps keeps Adam's first step smooth in the gradient (at eps 1e-8 it is nearly sign(g)).
    const whole = await Trainer.create(engine, spec(1, { eps: 1e-3 }));
    const split = await Trainer.create(engine, spec(1, { eps: 1e-3 }));
    const a = await whole.trainStep(lmBatch(rows), 1e-2);
    const b = await split.trainStep([lmBatch(rows.slice(0, 2)), lmBatch(rows.slice(2))], 1e-2);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    expect(b.gradNorm).toBeCloseTo(a.gradNorm, 4);
    const pa = await whole.parameters();
    const pb = await split.parameters();
    for (const name of whole.names) {
      const x = pa[name]!.data as Float32Array;
      const y = pb[name]!.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
      expect(worst, name).toBeLessThan(1e-5);
    }
  });

  test('padding of mixed-length rows changes nothing but is masked out', async () => {
    const trainer = await Trainer.create(engine, spec(2));
    const long = [5, 6, 7, 8, 9, 10, 11, 12, 13];
    const short = [20, 21, 22, 23, 24];
    const mixed = await trainer.evaluate(lmBatch([long, short], 0));
    const otherPad = await trainer.evaluate(lmBatch([long, short], 33));
    expect(otherPad).toBeCloseTo(mixed, 6);
    // Token-weighted mean of the rows evaluated alone: 8 targets in the long row, 4 in the short one.
    const alone = ((await trainer.evaluate(lmBatch([long]))) * 8 + (await trainer.evaluate(lmBatch([short]))) * 4) / 12;
    expect(mixed).toBeCloseTo(alone, 5);
  });

  test('gradient clipping bounds the update while reporting the raw norm', async () => {
    const clipped = await Trainer.create(engine, spec(4, { clipNorm: 1e-3, weightDecay: 0 }));
    const free = await Trainer.create(engine, spec(4, { clipNorm: 0, weightDecay: 0 }));
    const batch = lmBatch(countingRows(new Rng(5), 2, 9, tinyLM.vocabSize));
    const r1 = await clipped.trainStep(batch, 1e-3);
    const r2 = await free.trainStep(batch, 1e-3);
    expect(r1.gradNorm).toBeCloseTo(r2.gradNorm, 4);
    // Adam normalises the first step's size, so clipping shows in the second step's moments instead.
    const next = lmBatch(countingRows(new Rng(6), 2, 9, tinyLM.vocabSize));
    await clipped.trainStep(next, 1e-3);
    await free.trainStep(next, 1e-3);
    const s1 = await clipped.state();
    const s2 = await free.state();
    const m1 = s1.tensors['m.wte']!.data as Float32Array;
    const m2 = s2.tensors['m.wte']!.data as Float32Array;
    const norm = (a: Float32Array): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
    expect(norm(m1)).toBeLessThan(norm(m2) * 0.01);
  });
});

test('warmup then cosine decay', () => {
  const o = { peak: 1, min: 0.1, warmup: 10, total: 110 };
  expect(warmupCosine(5, o)).toBeCloseTo(0.5);
  expect(warmupCosine(10, o)).toBeCloseTo(1);
  expect(warmupCosine(60, o)).toBeCloseTo(0.55);
  expect(warmupCosine(110, o)).toBeCloseTo(0.1);
  expect(warmupCosine(500, o)).toBeCloseTo(0.1);
});
