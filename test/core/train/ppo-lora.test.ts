import { expect, test } from 'vitest';
import { loraTargetNames } from '../../../core/models/adapters';
import { importHfModel } from '../../../core/models/hf-import';
import { trainPpo } from '../../../core/train/ppo-trainer';
import { hfFixture } from '../models/hf-fixture';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

test('PPO with LoRA on a bf16 checkpoint trains adapters and the value head only, from the base, which is its reference', async () => {
  const { dir } = hfFixture('qwen2');
  const imported = importHfModel(dir);
  const config = { ...imported.config, loraScale: 2 };
  const targets = loraTargetNames(config, ['q_proj', 'v_proj'], ['lm', 'value']);
  const prompts = ['def add(a, b):\n', 'def sub(a, b):\n'];
  const ppo = { updates: 2, promptsPerUpdate: 2, samplesPerPrompt: 2, maxNewTokens: 8, epochs: 1, miniBatches: 1, lr: 1e-2 };
  const score = (items: ReadonlyArray<{ completion: string }>): Promise<number[]> => Promise.resolve(items.map((i) => i.completion.length / 10));
  const result = await trainPpo(engine, { config, tensors: imported.tensors, lora: { rank: 4, targets } }, imported.tokenizer, prompts, { score }, ppo);
  const trained = await result.trainer.parameters();
  expect(Object.keys(trained).sort()).toEqual([...targets.flatMap((t) => [`${t}.lora_A`, `${t}.lora_B`]), 'value_head.bias', 'value_head.weight'].sort());
  // Fresh adapters (B = 0): the first round's policy is the base, so its KL to the reference (the same base) is 0.
  expect(Math.abs(result.logs[0]!.kl)).toBeLessThan(1e-5);
  expect(result.logs[1]!.kl).not.toBe(0);
  expect(Array.from(trained[`${targets[0]}.lora_B`]!.data as Float32Array).some((v) => v !== 0)).toBe(true);

  // Started from those adapters and head (a previous policy's), the first round is no longer at the reference.
  const again = await trainPpo(engine, { config, tensors: imported.tensors, lora: { rank: 4, targets, start: trained } }, imported.tokenizer, prompts, { score }, { ...ppo, updates: 1 });
  expect(Math.abs(again.logs[0]!.kl)).toBeGreaterThan(0);
  await expect(
    trainPpo(engine, { config, tensors: imported.tensors, lora: { rank: 2, targets, start: trained } }, imported.tokenizer, prompts, { score }, ppo),
  ).rejects.toThrow(/starting tensor '.*lora_A' has shape \[\d+,4\], the policy's is \[\d+,2\]/);
});
