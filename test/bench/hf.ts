/**
 * `bench hf`: a Hugging Face checkpoint of Qwen2.5-0.5B's shape (random bf16 weights, written here in two shards
 * with an index, as people download them) on this machine's CPU: how long the import takes (read, widen bf16 to
 * float32, transpose), what memory the estimate predicts and the process holds, sampling tokens/s with the KV
 * cache, and LoRA rank-16 training steps/s (q_proj and v_proj, the frozen base fed to the training program by
 * reference: the program holds only the adapters).
 * Sequences are short and steps few: this measures the machinery, not a model.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../core/engine/engine';
import { Trainer } from '../../core/engine/trainer';
import { withLora } from '../../core/engine/lora';
import { loraTargetNames } from '../../core/models/adapters';
import { importHfModel } from '../../core/models/hf-import';
import { estimateMemory } from '../../core/models/memory-estimate';
import { uploadModel } from '../../core/models/programs';
import { sampleTokens, samplingConfigSchema } from '../../core/models/sampling';
import { specialIds } from '../../core/models/tokenizers';
import { lmLoss, lmLossInputs, transformerConfig, transformerShapes } from '../../core/models/transformer';
import { sftBatch } from '../../core/train/sft-trainer';
import { familyTokenizerJson } from '../core/models/hf-fixture';

/** Qwen2.5-0.5B's config.json, the fields the importer reads. */
export const qwen25Shape = {
  architectures: ['Qwen2ForCausalLM'],
  model_type: 'qwen2',
  vocab_size: 151936,
  hidden_size: 896,
  intermediate_size: 4864,
  num_hidden_layers: 24,
  num_attention_heads: 14,
  num_key_value_heads: 2,
  hidden_act: 'silu',
  max_position_embeddings: 32768,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000,
  tie_word_embeddings: true,
  use_sliding_window: false,
  torch_dtype: 'bfloat16',
};

export interface HfBenchOptions {
  dir: string;
  layers: number;
  promptTokens: number;
  newTokens: number;
  trainSeqLen: number;
  trainSteps: number;
  log: (line: string) => void;
}

export interface HfBenchResult {
  shape: string;
  parameters: number;
  checkpoint_bytes: number;
  load_s: number;
  /** CPU seconds of the import (main thread only): what a quiet machine's wall time would be. */
  load_cpu_s: number;
  estimated_gib: number;
  rss_after_load_gib: number;
  rss_peak_gib: number;
  sample_tokens_per_s_batch1: number;
  sample_tokens_per_s_batch8: number;
  lora_rank: number;
  lora_trainable_parameters: number;
  train_program_build_s: number;
  /** The fused training step's ONNX size: the adapters' graph only, whatever the base's size. */
  train_program_mib: number;
  train_steps_per_s: number;
  /** CPU seconds (every thread) per training step and per sampled token at batch 1: the load-independent cost. */
  train_step_cpu_s: number;
  sample_cpu_s_per_token_batch1: number;
  /** CPU seconds of the whole bench, writing the checkpoint included. */
  cpu_s: number;
  train_seq_len: number;
  load_average: number[];
}

/** Random bf16 values, uniform in about +-0.034 (std 0.02), from a seeded xorshift: the top 16 bits of float32s. */
function randomBf16(count: number, seed: number): Uint16Array {
  const out = new Uint16Array(count);
  const f = new Float32Array(1);
  const bits = new Uint32Array(f.buffer);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    f[0] = ((x >>> 0) / 2 ** 32 - 0.5) * 0.069;
    out[i] = bits[0]! >>> 16;
  }
  return out;
}

function writeBf16Safetensors(file: string, tensors: Record<string, { shape: number[]; data: Uint16Array }>): number {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const n of names) {
    const bytes = tensors[n]!.data.byteLength;
    header[n] = { dtype: 'BF16', shape: tensors[n]!.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const head = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  writeFileSync(file, Buffer.concat([len, head, ...names.map((n) => Buffer.from(tensors[n]!.data.buffer))]));
  return 8 + head.length + offset;
}

/** A random checkpoint of the shape in `dir` (config, two bf16 shards and their index, a tokenizer); its size in bytes. */
export function writeRandomCheckpoint(dir: string, config: typeof qwen25Shape): number {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'tokenizer.json'), familyTokenizerJson('qwen2'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: null, eos_token: '<|im_end|>', pad_token: '<|endoftext|>' }));
  const ours = transformerShapes(
    transformerConfig({ arch: 'qwen2', vocabSize: config.vocab_size, maxSeqLen: 1, nLayer: config.num_hidden_layers, nHead: config.num_attention_heads, nKvHead: config.num_key_value_heads, nEmbd: config.hidden_size, intermediateSize: config.intermediate_size, tieEmbeddings: true }),
    ['lm'],
  );
  const shards: Record<string, { shape: number[]; data: Uint16Array }>[] = [{}, {}];
  const weightMap: Record<string, string> = {};
  Object.entries(ours).forEach(([name, s], i) => {
    // PyTorch's layout: (out, in) for matrices; norms near 1.
    const shape = s.shape.length === 2 && name !== 'embed_tokens.weight' ? [s.shape[1]!, s.shape[0]!] : s.shape;
    const count = shape.reduce((a, b) => a * b, 1);
    const data = name.endsWith('norm.weight') ? new Uint16Array(count).fill(0x3f80) : randomBf16(count, i + 1);
    const shard = i < Object.keys(ours).length / 2 ? 0 : 1;
    shards[shard]![`model.${name}`] = { shape, data };
    weightMap[`model.${name}`] = `model-0000${shard + 1}-of-00002.safetensors`;
  });
  let bytes = 0;
  shards.forEach((s, i) => (bytes += writeBf16Safetensors(join(dir, `model-0000${i + 1}-of-00002.safetensors`), s)));
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: bytes }, weight_map: weightMap }));
  return bytes;
}

const gib = (b: number): number => Math.round((b / 1024 ** 3) * 100) / 100;
const round = (x: number): number => Math.round(x * 100) / 100;
/** CPU seconds this process has used, every thread (the engine worker's included). */
const cpuS = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export async function benchHf(options: HfBenchOptions): Promise<HfBenchResult> {
  const { log } = options;
  const shape = { ...qwen25Shape, num_hidden_layers: options.layers };
  let peak = 0;
  const sampleRss = (): number => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sampleRss, 200);
  try {
    log(`writing a random bf16 checkpoint of Qwen2.5-0.5B's shape (${options.layers} layers) to ${options.dir}`);
    const checkpointBytes = writeRandomCheckpoint(options.dir, shape);

    // 1. import: read the shards, widen bf16 to float32, transpose the matrices
    let t0 = performance.now();
    let c0 = cpuS();
    const imported = importHfModel(options.dir, { maxSeqLen: 512 });
    const loadS = (performance.now() - t0) / 1000;
    const loadCpuS = cpuS() - c0;
    const cfg = imported.config;
    const targets = loraTargetNames(cfg, ['q_proj', 'v_proj']);
    const rank = 16;
    const estimate = estimateMemory(cfg, { loraRank: rank, loraTargets: targets, batch: 1, seqLen: options.trainSeqLen, sampleRows: 8, samplePositions: options.promptTokens + options.newTokens });
    const rssAfterLoad = sampleRss();
    log(`import ${loadS.toFixed(1)} s, ${(estimate.parameters / 1e6).toFixed(0)}M parameters, RSS ${gib(rssAfterLoad)} GiB, estimate ${gib(estimate.totalBytes)} GiB`);

    const engine = await Engine.start();
    try {
      // 2. sampling with the KV cache, batch 1 and 8
      const tokenizer = imported.tokenizer;
      const special = specialIds(tokenizer);
      const model = await uploadModel(engine, cfg, ['lm'], imported.tensors);
      const prompt = Array.from({ length: options.promptTokens }, (_, i) => 3 + (i % 200));
      const sampling = samplingConfigSchema.parse({ n: 1, temperature: 1, maxNewTokens: options.newTokens, seed: 1 });
      const tokensPerS = async (rows: number): Promise<{ perS: number; cpuPerToken: number }> => {
        const prompts = Array.from({ length: rows }, () => prompt);
        await sampleTokens(engine, model, tokenizer, { ...special, stop: [] }, prompts.slice(0, 1), { ...sampling, maxNewTokens: 2 }); // warm-up
        const t = performance.now();
        const c = cpuS();
        const samples = await sampleTokens(engine, model, tokenizer, { ...special, stop: [] }, prompts, { ...sampling, rowsPerBatch: rows });
        sampleRss();
        const tokens = samples.reduce((s, x) => s + x.tokens.length, 0);
        return { perS: tokens / ((performance.now() - t) / 1000), cpuPerToken: (cpuS() - c) / tokens };
      };
      const one = await tokensPerS(1);
      const batch1 = one.perS;
      const batch8 = (await tokensPerS(8)).perS;
      log(`sampling: ${batch1.toFixed(1)} tokens/s at batch 1, ${batch8.toFixed(1)} at batch 8`);

      // 3. LoRA rank 16 on q_proj and v_proj over the frozen base
      t0 = performance.now();
      const specs = Object.fromEntries(Object.entries(transformerShapes(cfg, ['lm'])).map(([n, s]) => [n, { shape: s.shape, init: imported.tensors[n]!.data as Float32Array }]));
      const lora = withLora(specs, targets, rank);
      // The base is already in the worker (uploaded for sampling): the training programs take it by reference.
      const trainer = await Trainer.create(engine, { params: lora, inputs: lmLossInputs, loss: (p, x) => lmLoss(cfg, p, x), frozenFeeds: model.feeds });
      const buildS = (performance.now() - t0) / 1000;
      sampleRss();
      const tokens = Array.from({ length: options.trainSeqLen + 1 }, (_, i) => 3 + ((i * 7) % 250));
      const batch = sftBatch([{ tokens, promptLength: 1 }], special.pad);
      await trainer.trainStep(batch, 1e-3); // warm-up
      t0 = performance.now();
      c0 = cpuS();
      for (let s = 0; s < options.trainSteps; s++) await trainer.trainStep(batch, 1e-3);
      const stepsPerS = options.trainSteps / ((performance.now() - t0) / 1000);
      const stepCpuS = (cpuS() - c0) / options.trainSteps;
      sampleRss();
      log(`LoRA rank ${rank}: program built in ${buildS.toFixed(1)} s, ${stepsPerS.toFixed(2)} steps/s at ${options.trainSeqLen} tokens`);
      return {
        shape: `Qwen2.5-0.5B (${options.layers} of 24 layers)`,
        parameters: estimate.parameters,
        checkpoint_bytes: checkpointBytes,
        load_s: loadS,
        load_cpu_s: round(loadCpuS),
        estimated_gib: gib(estimate.totalBytes),
        rss_after_load_gib: gib(rssAfterLoad),
        rss_peak_gib: gib(peak),
        sample_tokens_per_s_batch1: batch1,
        sample_tokens_per_s_batch8: batch8,
        lora_rank: rank,
        lora_trainable_parameters: targets.reduce((n, t) => n + rank * (lora[t]!.shape[0]! + lora[t]!.shape[1]!), 0),
        train_program_build_s: buildS,
        train_program_mib: Math.round((trainer.programs.fused.bytes.length / 1024 ** 2) * 100) / 100,
        train_steps_per_s: stepsPerS,
        train_step_cpu_s: round(stepCpuS),
        sample_cpu_s_per_token_batch1: round(one.cpuPerToken),
        cpu_s: round(cpuS()),
        train_seq_len: options.trainSeqLen,
        load_average: loadavg().map((x) => Math.round(x * 10) / 10),
      };
    } finally {
      await engine.close();
    }
  } finally {
    clearInterval(timer);
  }
}
