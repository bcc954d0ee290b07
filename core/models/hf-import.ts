/**
 * Hugging Face checkpoint import: a Llama, Qwen2 or Qwen2.5 folder (config.json, model.safetensors or shards with
 * model.safetensors.index.json in F32, BF16 or F16, tokenizer.json with tokenizer_config.json and
 * generation_config.json beside it) into the transformer of transformer.ts, for inference and LoRA training.
 * Names lose the `model.` prefix; linear weights turn from PyTorch's (out, in) into our (in, out).
 * Anything we cannot run the same way (another architecture, a rotary scaling other than linear, dynamic, llama3
 * or yarn, another activation, sliding windows, a tokenizer with more tokens than the embedding) is refused in one line naming the file and the key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTensor } from '../engine/protocol';
import { checkWeights } from './model-weights';
import { readCheckpointWeights } from './hf-weights';
import { TextTokenizer } from './tokenizers';
import { type RopeScaling, ropeScalingSchema } from './rope-scaling';
import { type TransformerConfig, transformerConfig } from './transformer';

export class ImportError extends Error {
  override readonly name = 'ImportError';
}

export interface ImportedModel {
  config: TransformerConfig;
  tensors: Record<string, HostTensor>;
  tokenizer: TextTokenizer;
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ImportError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new ImportError(`${file}: not a JSON object (${(err as Error).message})`, { cause: err });
  }
}

/**
 * config.json's rope_scaling as ours (rope-scaling.ts): linear, llama3 and yarn; 'dynamic' and 'default' as
 * unscaled (dynamic NTK only changes positions past max_position_embeddings, which a run never builds); anything
 * else, or a missing or ill-typed field, in one line naming the file and the key.
 */
function ropeScalingOf(file: string, hf: Record<string, unknown>): RopeScaling | undefined {
  const raw = hf.rope_scaling;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ImportError(`${file}: key 'rope_scaling': ${JSON.stringify(raw)} is not an object`);
  const s = raw as Record<string, unknown>;
  const type = s.rope_type ?? s.type;
  if (type === 'default' || type === 'dynamic') return undefined;
  if (type !== 'linear' && type !== 'llama3' && type !== 'yarn') {
    throw new ImportError(`${file}: key 'rope_scaling.${'rope_type' in s ? 'rope_type' : 'type'}': rotary scaling ${JSON.stringify(type)} is not supported (linear, dynamic, llama3, yarn)`);
  }
  for (const key of ['mscale', 'mscale_all_dim', 'long_factor', 'short_factor']) {
    if (s[key] !== undefined && s[key] !== null) throw new ImportError(`${file}: key 'rope_scaling.${key}': not supported with ${type} scaling`);
  }
  if (s.truncate === false) throw new ImportError(`${file}: key 'rope_scaling.truncate': an untruncated YaRN ramp is not supported`);
  const original = s.original_max_position_embeddings ?? (type === 'llama3' ? undefined : hf.max_position_embeddings);
  const candidate =
    type === 'linear' ? { type, factor: s.factor }
    : type === 'llama3' ? { type, factor: s.factor, lowFreqFactor: s.low_freq_factor, highFreqFactor: s.high_freq_factor, originalMaxPositions: original }
    : { type, factor: s.factor, originalMaxPositions: original, betaFast: s.beta_fast ?? undefined, betaSlow: s.beta_slow ?? undefined, attentionFactor: s.attention_factor ?? null };
  const parsed = ropeScalingSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const ours = String(issue.path[0] ?? '');
    const theirs = { factor: 'factor', lowFreqFactor: 'low_freq_factor', highFreqFactor: 'high_freq_factor', originalMaxPositions: 'original_max_position_embeddings', betaFast: 'beta_fast', betaSlow: 'beta_slow', attentionFactor: 'attention_factor' }[ours] ?? ours;
    throw new ImportError(`${file}: key 'rope_scaling.${theirs}': ${JSON.stringify(s[theirs])} is not valid for ${type} scaling (${issue.message})`);
  }
  return parsed.data;
}

/**
 * The transformer config of a Hugging Face config.json (Llama or Qwen2/2.5). `maxSeqLen` caps the positions the
 * run uses (a 32k-position model trained on 512-token programs needs no 32k rotary table).
 */
export function configFromHf(file: string, hf: Record<string, unknown>, maxSeqLen = 32768): TransformerConfig {
  const arch = hf.model_type;
  if (arch !== 'llama' && arch !== 'qwen2') {
    throw new ImportError(`${file}: key 'model_type': architecture ${JSON.stringify(arch)} is not supported (llama, qwen2)`);
  }
  const int = (key: string, fallback?: number): number => {
    const v = hf[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ImportError(`${file}: key '${key}': ${JSON.stringify(hf[key])} is not a positive integer`);
    return v;
  };
  const act = hf.hidden_act ?? 'silu';
  if (act !== 'silu') throw new ImportError(`${file}: key 'hidden_act': ${JSON.stringify(act)} is not supported (silu)`);
  const ropeScaling = ropeScalingOf(file, hf);
  if (hf.use_sliding_window === true) throw new ImportError(`${file}: key 'use_sliding_window': sliding-window attention is not supported`);
  if (hf.attention_bias === true || hf.mlp_bias === true) throw new ImportError(`${file}: key '${hf.attention_bias === true ? 'attention_bias' : 'mlp_bias'}': biases on Llama projections are not supported`);
  const nHead = int('num_attention_heads');
  const C = int('hidden_size');
  if (hf.head_dim !== undefined && hf.head_dim !== null && hf.head_dim !== C / nHead) throw new ImportError(`${file}: key 'head_dim': ${JSON.stringify(hf.head_dim)} differs from hidden_size / num_attention_heads`);
  try {
    return transformerConfig({
      arch,
      vocabSize: int('vocab_size'),
      maxSeqLen: Math.min(int('max_position_embeddings', 2048), maxSeqLen),
      nLayer: int('num_hidden_layers'),
      nHead,
      nKvHead: int('num_key_value_heads', nHead),
      nEmbd: C,
      intermediateSize: int('intermediate_size'),
      ropeTheta: typeof hf.rope_theta === 'number' ? hf.rope_theta : 10000,
      ...(ropeScaling ? { ropeScaling } : {}),
      normEps: typeof hf.rms_norm_eps === 'number' ? hf.rms_norm_eps : 1e-6,
      qkvBias: arch === 'qwen2',
      tieEmbeddings: hf.tie_word_embeddings === true,
    });
  } catch (err) {
    throw new ImportError(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

export interface ImportOptions {
  /** Longest sequence the run uses (positions beyond it are not built). */
  maxSeqLen?: number;
}

export interface ImportedCheckpoint extends ImportedModel {
  /** The dtype each weight had on disk (F32, BF16, F16); in memory every one is float32, what the engine computes in. */
  stored: Record<string, string>;
  files: string[];
}

/** Reads config.json only: what a memory estimate needs before any weight is read. */
export function readHfConfig(dir: string, options: ImportOptions = {}): TransformerConfig {
  const configFile = join(dir, 'config.json');
  return configFromHf(configFile, readJson(configFile), options.maxSeqLen);
}

export function importHfModel(dir: string, options: ImportOptions = {}): ImportedCheckpoint {
  const configFile = join(dir, 'config.json');
  const config = readHfConfig(dir, options);
  const ours = (name: string): string => (name.startsWith('model.') ? name.slice('model.'.length) : name);
  // Every matrix but the embedding turns from PyTorch's (out, in) into our (in, out), while it is read.
  const weights = readCheckpointWeights(dir, (name, shape) => shape.length === 2 && ours(name) !== 'embed_tokens.weight');
  const tensors: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(weights.tensors)) {
    if (name.endsWith('.rotary_emb.inv_freq')) continue; // older exports keep rotary tables; ours are computed
    if (name === 'lm_head.weight' && config.tieEmbeddings) continue;
    tensors[ours(name)] = t;
  }
  checkWeights(weights.files.length === 1 ? weights.files[0]! : join(dir, 'model.safetensors.index.json'), config, ['lm'], tensors);
  const tokenizerFile = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) throw new ImportError(`${dir}: no tokenizer.json (the checkpoint's tokenizer is needed to read and write text)`);
  const tokenizer = TextTokenizer.load(tokenizerFile);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new ImportError(`${tokenizerFile}: the tokenizer has ${tokenizer.vocabSize} tokens but the model (${configFile}) embeds ${config.vocabSize}: they do not belong together`);
  }
  return { config, tensors, tokenizer, stored: weights.stored, files: weights.files };
}
