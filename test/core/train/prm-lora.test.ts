import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readSafetensors } from '../../../core/engine/safetensors';
import { loraTargetNames, modelBase } from '../../../core/models/adapters';
import { loadModel, saveModel } from '../../../core/models/checkpoint';
import { importHfModel } from '../../../core/models/hf-import';
import { uploadModel } from '../../../core/models/programs';
import { lineScores, prmHeads, type PrmExample, trainPrm } from '../../../core/train/prm-trainer';
import { hfFixture } from '../models/hf-fixture';
import { useEngine, useTempDir } from '../../support/engine-fixture';

const engine = useEngine();
const scratch = useTempDir('prm-lora-');

const prompt = (k: number): string => `def add_${k}(x):\n`;
const examples = (k: number): PrmExample[] => [
  { prompt: prompt(k), completion: `    y = x + ${k}\n    return y\n`, labels: [1, 1] },
  { prompt: prompt(k), completion: `    y = x - ${k}\n    return y\n`, labels: [-1, -1] },
];

test('a PRM of LoRA adapters on a bf16 checkpoint: the loss falls, the checkpoint keeps adapters and head only, its line scores survive the merge', async () => {
  const { dir } = hfFixture('qwen2');
  const imported = importHfModel(dir);
  const config = { ...imported.config, loraScale: 2 };
  const targets = loraTargetNames(config, ['q_proj', 'v_proj'], prmHeads);
  const train = [1, 2, 3, 4].flatMap(examples);
  const prm = await trainPrm(engine, { config, tensors: imported.tensors, lora: { rank: 4, targets } }, imported.tokenizer, train, {
    steps: 30,
    batchSize: 8,
    lr: 1e-2,
    checkpointEvery: 0,
  });
  const { losses } = prm.metrics;
  console.log(`PRM LoRA rank 4 on bf16 qwen2: loss ${losses[0]!.toFixed(3)} -> ${prm.metrics.trainLoss.toFixed(3)}`);
  // A zero head: squared error 1 on every +-1 label.
  expect(losses[0]!).toBeCloseTo(1, 5);
  expect(prm.metrics.trainLoss).toBeLessThan(0.5 * losses[0]!);

  // Adapters and the head only, tied to the base; loading merges them and scores every line as the trainer did.
  const trained = await prm.trainer.parameters();
  expect(Object.keys(trained).sort()).toEqual([...targets.flatMap((t) => [`${t}.lora_A`, `${t}.lora_B`]), 'prm_head.bias', 'prm_head.weight'].sort());
  const file = join(scratch, 'prm.safetensors');
  saveModel(file, { config, heads: [...prmHeads], tensors: trained, base: modelBase(dir) });
  expect(Object.keys(readSafetensors(file).tensors).sort()).toEqual(Object.keys(trained).sort());
  const loaded = loadModel(file);
  const merged = await uploadModel(engine, loaded.config, loaded.heads, loaded.tensors);
  const items = [5, 6].flatMap(examples);
  const ours = await lineScores(engine, prm.model, imported.tokenizer, items);
  const again = await lineScores(engine, merged, imported.tokenizer, items);
  again.forEach((row, i) => row.forEach((s, l) => expect(Math.abs(s - ours[i]![l]!)).toBeLessThan(1e-4)));

  // Started from given adapters (the SFT generator's), the PRM's first scores are those of base + those adapters.
  const start = Object.fromEntries(Object.entries(trained).filter(([n]) => n.includes('.lora_')));
  const resumedFrom = await trainPrm(engine, { config, tensors: imported.tensors, lora: { rank: 4, targets, start } }, imported.tokenizer, train, {
    steps: 1,
    // A step too small to move a float32 weight: what the trainer holds after it is where it started.
    lr: 1e-30,
    minLr: 1e-30,
    checkpointEvery: 0,
  });
  const begun = await resumedFrom.trainer.parameters();
  for (const n of Object.keys(start)) expect(begun[n]!.data).toEqual(start[n]!.data);
  await expect(
    trainPrm(engine, { config, tensors: imported.tensors, lora: { rank: 2, targets, start } }, imported.tokenizer, train, { steps: 1, checkpointEvery: 0 }),
  ).rejects.toThrow(/starting adapter '.*lora_A' has shape \[\d+,4\], the PRM's is \[\d+,2\]/);
});
