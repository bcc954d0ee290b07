import { expect, test } from 'vitest';
import { withLora } from '../../../core/engine/lora';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import { transformerParams } from '../../../core/models/transformer';
import { lmBatch, lmSpec, tinyLM } from './lm-fixture';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

const { inputs: lmInputs, loss } = lmSpec(8);

/** Rows counting up by `stride` modulo the vocabulary. */
function rows(rng: Rng, B: number, stride: number): number[][] {
  return Array.from({ length: B }, () => {
    const start = rng.int(tinyLM.vocabSize);
    return Array.from({ length: 17 }, (_, t) => (start + stride * t) % tinyLM.vocabSize);
  });
}

test('LoRA trains low-rank adapters over a frozen base that stays inside the program', async () => {
  // A base model first learns to count by 1; the adapters then teach it to count by 2.
  const rng = new Rng(1);
  const pre = await Trainer.create(engine, lmSpec(8));
  for (let step = 0; step < 40; step++) await pre.trainStep(lmBatch(rows(rng, 4, 1)), 1e-2);
  const trained = await pre.parameters();
  const base = Object.fromEntries(
    Object.entries(transformerParams(tinyLM, ['lm'], 8)).map(([n, s]) => [n, { ...s, init: trained[n]!.data as Float32Array }]),
  );
  const targets = [0, 1].flatMap((l) => ['attn.c_attn', 'mlp.c_fc', 'mlp.c_proj'].map((w) => `h.${l}.${w}.weight`));
  const lora = await Trainer.create(engine, { params: withLora(base, targets, 4), inputs: lmInputs, loss });

  // Only the adapters train and cross the boundary; frozen weights are initializers, not inputs.
  expect(lora.names.sort()).toEqual(targets.flatMap((t) => [`${t}.lora_A`, `${t}.lora_B`]).sort());
  const inputs = lora.programs.fused.inputs.map((i) => i.name);
  expect(inputs).not.toContain('wte');
  expect(inputs).not.toContain('h.0.attn.c_attn.weight');
  expect(inputs).toContain('h.0.attn.c_attn.weight.lora_A');

  // B starts at zero: the adapted model is exactly the base model.
  const probe = lmBatch(rows(rng, 4, 2));
  const before = await lora.evaluate(probe);
  expect(before).toBeCloseTo(await pre.evaluate(probe), 5);

  for (let step = 0; step < 40; step++) await lora.trainStep(lmBatch(rows(rng, 4, 2)), 1e-2);
  const after = await lora.evaluate(probe);
  console.log(`LoRA: loss on the new task ${before.toFixed(3)} -> ${after.toFixed(3)}`);
  expect(after).toBeLessThan(before * 0.6);
});
