import { expect, test } from 'vitest';
import { withLora } from '../../../core/engine/lora';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import { mergeLora } from '../../../core/models/adapters';
import { lmLoss, transformerParams } from '../../../core/models/transformer';
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

test('a LoRA base fed by reference: the programs hold only the adapters, and training gives the embedded losses', async () => {
  const base = transformerParams(tinyLM, ['lm'], 3);
  const targets = ['h.0.attn.c_attn.weight', 'h.1.attn.c_attn.weight'];
  const embedded = await Trainer.create(engine, { params: withLora(base, targets, 4), inputs: lmInputs, loss });
  const prefix = 'lora-test-base/';
  await engine.put(Object.fromEntries(Object.entries(base).map(([n, s]) => [prefix + n, { dtype: 'float32' as const, dims: s.shape, data: s.init }])));
  const frozenFeeds = Object.fromEntries(Object.keys(base).map((n) => [n, { resident: prefix + n }]));
  const resident = await Trainer.create(engine, { params: withLora(base, targets, 4), inputs: lmInputs, loss, frozenFeeds });

  // The base's bytes are in the embedded program and not in the resident one (which declares them as inputs
  // instead, a few bytes each), and the resident program is smaller than the base alone.
  const baseBytes = Object.values(base).reduce((n, s) => n + s.init.byteLength, 0);
  expect(resident.programs.fused.inputs.map((i) => i.name)).toContain('wte');
  expect(embedded.programs.fused.bytes.length - resident.programs.fused.bytes.length).toBeGreaterThan(0.95 * baseBytes);
  expect(resident.programs.fused.bytes.length).toBeLessThan(baseBytes);

  const rng = new Rng(2);
  const batches = Array.from({ length: 6 }, () => lmBatch(rows(rng, 4, 2)));
  const lossesOf = async (t: Trainer): Promise<number[]> => {
    const out: number[] = [];
    for (const b of batches.slice(0, 4)) out.push((await t.trainStep(b, 1e-2)).loss);
    out.push((await t.trainStep(batches.slice(4), 1e-2)).loss); // micro-batches: the grads and accumulate programs
    out.push(...(await t.trainSteps(batches.slice(0, 2), [1e-2, 1e-2])).map((s) => s.loss)); // the K-step loop
    out.push(await t.evaluate(batches[5]!));
    return out;
  };
  expect(await lossesOf(resident)).toEqual(await lossesOf(embedded));
  await expect(Trainer.create(engine, { params: withLora(base, targets, 4), inputs: lmInputs, loss, frozenFeeds: { 'h.0.attn.c_attn.weight.lora_A': { resident: 'x' } } })).rejects.toThrow(
    "frozenFeeds names 'h.0.attn.c_attn.weight.lora_A', which is not a frozen parameter",
  );
});

test("the config's loraScale (alpha / r) multiplies the adapters' update in the graph, as the merge does", async () => {
  const base = transformerParams(tinyLM, ['lm'], 5);
  const targets = ['h.0.attn.c_attn.weight', 'h.1.mlp.c_fc.weight'];
  const lora = withLora(base, targets, 4);
  const rng = new Rng(6);
  for (const t of targets) lora[`${t}.lora_B`]!.init = rng.normal(lora[`${t}.lora_B`]!.init.length, 0.3);
  const scaled = { ...tinyLM, loraScale: 3 };
  const adapted = await Trainer.create(engine, { params: lora, inputs: lmInputs, loss: (p, x) => lmLoss(scaled, p, x) });
  const host = (n: string) => ({ dtype: 'float32' as const, dims: lora[n]!.shape, data: lora[n]!.init });
  const merged = Object.fromEntries(
    Object.entries(base).map(([n, s]) => [n, { ...s, init: targets.includes(n) ? (mergeLora(host(n), host(`${n}.lora_A`), host(`${n}.lora_B`), 3).data as Float32Array) : s.init }]),
  );
  const full = await Trainer.create(engine, { params: merged, inputs: lmInputs, loss });
  const unscaled = await Trainer.create(engine, { params: lora, inputs: lmInputs, loss });
  const probe = lmBatch(rows(rng, 4, 1));
  expect(await adapted.evaluate(probe)).toBeCloseTo(await full.evaluate(probe), 5);
  expect(Math.abs((await unscaled.evaluate(probe)) - (await full.evaluate(probe)))).toBeGreaterThan(1e-3);
});
