import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readSafetensors } from '../../../core/engine/safetensors';
import { makeProblem } from '../../../core/data/problem';
import { loraTargetNames, mergeLora, modelBase } from '../../../core/models/adapters';
import { loadModel, saveModel } from '../../../core/models/checkpoint';
import { importHfModel } from '../../../core/models/hf-import';
import { assertFits, estimateMemory } from '../../../core/models/memory-estimate';
import { exportPeftAdapters } from '../../../core/models/peft-export';
import { problemPromptText } from '../../../core/models/prompting';
import { type ChatMessage, renderChat, specialIds } from '../../../core/models/tokenizers';
import { trainSft } from '../../../core/train/sft-trainer';
import { chatTemplateFile, hfFixture } from './hf-fixture';
import { useEngine, useTempDir } from '../../support/engine-fixture';
import { logitsError } from '../../support/imported-logits';
import { oneLineError as oneLine } from '../../support/one-line-error';

const engine = useEngine();
const scratch = useTempDir('hf-checkpoints-');

for (const [arch, dtype, sharded] of [['llama', 'BF16', true], ['qwen2', 'BF16', true], ['qwen2', 'F16', false]] as const) {
  test(`a ${dtype} ${arch} checkpoint (${sharded ? 'two shards' : 'one file'}) imports with PyTorch's logits (to bf16 precision)`, async () => {
    const { dir, tokens, reference } = hfFixture(arch, { dtype, sharded });
    const imported = importHfModel(dir);
    expect(new Set(Object.values(imported.stored))).toEqual(new Set([dtype]));
    expect(imported.files).toHaveLength(sharded ? 2 : 1);
    const { worst, scale } = await logitsError(engine, imported, tokens, reference);
    console.log(`${arch} ${dtype}: max |logit - PyTorch| = ${worst.toExponential(2)} (logits up to ${scale.toFixed(1)})`);
    // The reference computes in float64 from the same rounded weights: float32 accumulation is all that differs.
    expect(worst).toBeLessThan(1e-4 * Math.max(1, scale));
  });
}

test("special tokens come from tokenizer_config.json, every end-of-sequence id from generation_config.json", () => {
  const qwen = importHfModel(hfFixture('qwen2').dir).tokenizer;
  // Qwen has no bos: sequences start with its pad (<|endoftext|>); <|im_end|> and <|endoftext|> both stop a sample.
  expect(specialIds(qwen)).toEqual({ pad: 0, bos: 0, eos: 2, lineEnd: qwen.encode('\n')[0], stop: [2, 0] });
  const llama = importHfModel(hfFixture('llama').dir).tokenizer;
  expect(specialIds(llama)).toMatchObject({ pad: 0, bos: 1, eos: 2, stop: [2] });
  // Added special tokens encode as one token each, never split into bytes.
  const header = llama.tokenId('<|start_header_id|>');
  expect(header).not.toBeNull();
  expect(llama.encode('<|start_header_id|>user<|end_header_id|>')).toEqual([header, ...llama.encode('user'), llama.tokenId('<|end_header_id|>')]);
});

test('chat templates render as transformers renders them (jinja2, same variables) on fixed cases', () => {
  const cases: { messages: ChatMessage[]; add_generation_prompt: boolean }[] = [
    { messages: [{ role: 'user', content: 'Write add(a, b).' }], add_generation_prompt: true },
    { messages: [{ role: 'system', content: 'You write Python.' }, { role: 'user', content: '  def f():\n' }], add_generation_prompt: true },
    {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'def f():\n    return 1\n' },
        { role: 'user', content: 'Again, with {{ braces }} and <|im_end|> text' },
      ],
      add_generation_prompt: false,
    },
  ];
  for (const arch of ['qwen2', 'llama'] as const) {
    const { dir } = hfFixture(arch);
    const tokenizer = importHfModel(dir).tokenizer;
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    const variables = cases.map((c) => ({ ...c, bos_token: config.bos_token ?? undefined, eos_token: config.eos_token, pad_token: config.pad_token }));
    const script = join(import.meta.dirname, 'fixtures', 'chat_reference.py');
    const expected = JSON.parse(execFileSync('/usr/bin/python3', [script, chatTemplateFile(arch), JSON.stringify(variables)], { encoding: 'utf8' })) as string[];
    const got = cases.map((c) => renderChat(tokenizer, c.messages, { addGenerationPrompt: c.add_generation_prompt }));
    expect(got).toEqual(expected);
  }
  // Chat prompting opens the assistant's answer with the problem's code, which the completion continues.
  const qwen = importHfModel(hfFixture('qwen2').dir).tokenizer;
  const text = problemPromptText(qwen, 'chat', { prompt: 'def add(a, b):\n', language: 'python' });
  expect(text.endsWith('<|im_start|>assistant\ndef add(a, b):\n')).toBe(true);
  expect(problemPromptText(qwen, 'completion', { prompt: 'def add(a, b):\n', language: 'python' })).toBe('def add(a, b):\n');
});


test('every bad checkpoint is refused in one line naming the file and the place', () => {
  const dir = join(scratch, 'broken');
  cpSync(hfFixture('qwen2').dir, dir, { recursive: true });
  const config = join(dir, 'config.json');
  const original = readFileSync(config, 'utf8');
  const withConfig = (patch: Record<string, unknown>): string => {
    writeFileSync(config, JSON.stringify({ ...JSON.parse(original), ...patch }));
    try {
      return oneLine(() => importHfModel(dir));
    } finally {
      writeFileSync(config, original);
    }
  };
  expect(withConfig({ model_type: 'gemma' })).toBe(`${config}: key 'model_type': architecture "gemma" is not supported (llama, qwen2)`);
  expect(withConfig({ rope_scaling: { rope_type: 'longrope', factor: 8 } })).toBe(`${config}: key 'rope_scaling.rope_type': rotary scaling "longrope" is not supported (linear, dynamic, llama3, yarn)`);
  expect(withConfig({ rope_scaling: { rope_type: 'llama3', factor: 8 } })).toMatch(new RegExp(`^${config}: key 'rope_scaling\\.low_freq_factor': undefined is not valid for llama3 scaling`));
  expect(withConfig({ rope_scaling: { type: 'linear', factor: -2 } })).toMatch(new RegExp(`^${config}: key 'rope_scaling\\.factor': -2 is not valid for linear scaling`));
  // Scalings we compute are read into the config; dynamic NTK changes nothing within max_position_embeddings.
  const configWith = (patch: Record<string, unknown>) => {
    writeFileSync(config, JSON.stringify({ ...JSON.parse(original), ...patch }));
    try {
      return importHfModel(dir).config;
    } finally {
      writeFileSync(config, original);
    }
  };
  expect(configWith({ rope_scaling: { type: 'linear', factor: 2 } }).ropeScaling).toEqual({ type: 'linear', factor: 2 });
  expect(configWith({ rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 256 } }).ropeScaling).toEqual({ type: 'yarn', factor: 4, originalMaxPositions: 256, betaFast: 32, betaSlow: 1, attentionFactor: null });
  expect(configWith({ rope_scaling: { type: 'dynamic', factor: 2 } }).ropeScaling).toBeUndefined();
  expect(withConfig({ use_sliding_window: true })).toBe(`${config}: key 'use_sliding_window': sliding-window attention is not supported`);
  expect(importHfModel(dir).config.rewardLogProbWeight).toBe(0); // the folder is intact again

  // A shard the index names but the folder lacks; a tensor the index places in a shard that does not hold it.
  const index = join(dir, 'model.safetensors.index.json');
  const indexText = readFileSync(index, 'utf8');
  const map = (JSON.parse(indexText) as { weight_map: Record<string, string> }).weight_map;
  writeFileSync(index, JSON.stringify({ weight_map: { ...map, 'model.norm.weight': 'model-00003-of-00003.safetensors' } }));
  expect(oneLine(() => importHfModel(dir))).toBe(`${index}: shard "model-00003-of-00003.safetensors" (holding 'model.norm.weight') is missing from ${dir}`);
  writeFileSync(index, JSON.stringify({ weight_map: { ...map, 'model.extra.weight': 'model-00001-of-00002.safetensors' } }));
  expect(oneLine(() => importHfModel(dir))).toBe(`${join(dir, 'model-00001-of-00002.safetensors')}: tensor 'model.extra.weight' is missing (${index} says this shard holds it)`);
  writeFileSync(index, indexText);

  // A dtype the engine cannot compute with.
  const shard = join(dir, 'model-00001-of-00002.safetensors');
  const bytes = readFileSync(shard);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = bytes.subarray(8, 8 + n).toString('utf8');
  const first = Object.keys(JSON.parse(header) as object).find((k) => k !== '__metadata__')!;
  const changed = Buffer.from(header.replace('"BF16"', '"I16"'));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(changed.length));
  writeFileSync(shard, Buffer.concat([length, changed, bytes.subarray(8 + n)]));
  expect(oneLine(() => importHfModel(dir))).toBe(`${shard}: tensor '${first}': dtype "I16" is not supported (F32, BF16, F16)`);
  writeFileSync(shard, bytes);

  rmSync(join(dir, 'tokenizer.json'));
  expect(oneLine(() => importHfModel(dir))).toBe(`${dir}: no tokenizer.json (the checkpoint's tokenizer is needed to read and write text)`);

  // A run that will not fit is refused before anything is read, with what it would hold.
  const qwen05 = importHfModel(hfFixture('qwen2').dir).config;
  const estimate = estimateMemory(qwen05, { loraRank: 16, loraTargets: loraTargetNames(qwen05, ['q_proj', 'v_proj']), batch: 4, seqLen: 256, sampleRows: 64, samplePositions: 512 });
  expect(oneLine(() => assertFits('run.jsonc', estimate, 1024))).toMatch(/^run\.jsonc: the run needs about 0\.\d\d GiB but 0\.00 GiB are available \(\d+\.\d+M parameters: weights .* KV cache .*\); lower the batch/);
  expect(() => assertFits('run.jsonc', estimate, 1024 ** 3)).not.toThrow();
});

test('LoRA on a bf16 checkpoint: the loss falls, the checkpoint keeps adapters only, resumes bit for bit, exports as PEFT', async () => {
  const { dir } = hfFixture('qwen2');
  const imported = importHfModel(dir);
  const problems = ['add', 'sub', 'mul'].map((name, i) =>
    makeProblem({ task_id: name, language: 'python', prompt: `def ${name}(a, b):\n`, prefix: '', suffix: '', canonical_solution: `    return a ${'+-*'[i]} b\n` }),
  );
  const targets = loraTargetNames(imported.config, ['q_proj', 'v_proj', 'o_proj']);
  // alpha 8 at rank 4: the adapters' update is scaled by 2 in the graph, as PEFT scales it.
  const config = { ...imported.config, loraScale: 2 };
  const init = { config, tensors: imported.tensors, lora: { rank: 4, targets } };
  const sftConfig = { steps: 12, batchSize: 3, lr: 3e-2, minLr: 3e-3, warmupSteps: 0, checkpointEvery: 6 };
  const straight = await trainSft(engine, init, imported.tokenizer, { train: problems, heldout: [] }, sftConfig, { checkpoint: join(scratch, 'straight.safetensors') });
  const { losses } = straight.metrics;
  console.log(`LoRA rank 4 on bf16 qwen2: loss ${losses[0]!.toFixed(3)} -> ${losses[losses.length - 1]!.toFixed(3)}`);
  expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.6);

  // Killed after step 6 (the checkpoint written at 6), then started again: the same adapters, bit for bit.
  const resumedFile = join(scratch, 'resumed.safetensors');
  await expect(
    trainSft(engine, init, imported.tokenizer, { train: problems, heldout: [] }, sftConfig, {
      checkpoint: resumedFile,
      onProgress: (p) => {
        if (p.done === 6) throw new Error('killed');
      },
    }),
  ).rejects.toThrow('killed');
  const resumed = await trainSft(engine, init, imported.tokenizer, { train: problems, heldout: [] }, sftConfig, { checkpoint: resumedFile });
  expect(resumed.metrics.losses).toEqual(losses);
  const a = await straight.trainer.parameters();
  const b = await resumed.trainer.parameters();
  for (const name of Object.keys(a)) expect(Buffer.from((b[name]!.data as Float32Array).buffer)).toEqual(Buffer.from((a[name]!.data as Float32Array).buffer));

  // The run's checkpoint: adapters only, with the base's path and hash; loading merges them into the base.
  const file = join(scratch, 'generator.safetensors');
  const base = modelBase(dir);
  saveModel(file, { config, heads: ['lm'], tensors: a, base });
  expect(Object.keys(readSafetensors(file).tensors).sort()).toEqual(targets.flatMap((t) => [`${t}.lora_A`, `${t}.lora_B`]).sort());
  const merged = loadModel(file);
  const name = targets[0]!;
  expect(merged.tensors[name]!.data).toEqual(mergeLora(imported.tensors[name]!, a[`${name}.lora_A`]!, a[`${name}.lora_B`]!, 2).data);

  // PEFT's layout: (alpha / r) * lora_B @ lora_A is our 2 * A @ B transposed.
  const peftDir = join(scratch, 'peft');
  exportPeftAdapters(peftDir, { tensors: a, base, rank: 4, alpha: 8, trainedScale: 2, modules: ['q_proj', 'v_proj', 'o_proj'], task: 'CAUSAL_LM' });
  const peft = readSafetensors(join(peftDir, 'adapter_model.safetensors')).tensors;
  const adapterConfig = JSON.parse(readFileSync(join(peftDir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
  expect(adapterConfig).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj', 'o_proj'], base_model_name_or_path: dir });
  const pa = peft[`base_model.model.model.${name.replace(/\.weight$/, '')}.lora_A.weight`]!;
  const pb = peft[`base_model.model.model.${name.replace(/\.weight$/, '')}.lora_B.weight`]!;
  const [r, inDim] = pa.dims as [number, number];
  const outDim = pb.dims[0]!;
  const ours = mergeLora({ dtype: 'float32', dims: [inDim, outDim], data: new Float32Array(inDim * outDim) }, a[`${name}.lora_A`]!, a[`${name}.lora_B`]!, 2).data as Float32Array;
  let worst = 0;
  for (let o = 0; o < outDim; o++) {
    for (let i = 0; i < inDim; i++) {
      let d = 0;
      for (let k = 0; k < r; k++) d += (pb.data as Float32Array)[o * r + k]! * (pa.data as Float32Array)[k * inDim + i]!;
      worst = Math.max(worst, Math.abs(2 * d - ours[i * outDim + o]!));
    }
  }
  expect(worst).toBeLessThan(1e-6);

  // A base that changed on disk is refused, naming the checkpoint.
  const moved = join(scratch, 'moved-base');
  cpSync(dir, moved, { recursive: true });
  saveModel(file, { config: imported.config, heads: ['lm'], tensors: a, base: modelBase(moved) });
  const cfg = join(moved, 'config.json');
  writeFileSync(cfg, readFileSync(cfg, 'utf8') + '\n');
  expect(oneLine(() => loadModel(file))).toMatch(new RegExp(`^${file}: its base ${moved} has changed since the adapters were trained`));
});
