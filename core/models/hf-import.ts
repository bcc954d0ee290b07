/**
 * Hugging Face checkpoint import: a Llama, Qwen2 or Qwen2.5 folder (config.json, model.safetensors or shards with
 * model.safetensors.index.json in F32, BF16 or F16, tokenizer.json with tokenizer_config.json and
 * generation_config.json beside it) into the transformer of transformer.ts, for inference and LoRA training.
 * Names lose the `model.` prefix; linear weights turn from PyTorch's (out, in) into our (in, out).
 * Anything we cannot run the same way (another architecture, scaled rotary positions, another activation, sliding
 * windows, a tokenizer with more tokens than the embedding) is refused in one line naming the file and the key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTensor } from '../engine/protocol';
import { checkWeights } from './model-weights';
import { readCheckpointWeights } from './hf-weights';
import { TextTokenizer } from './tokenizers';
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
  const scaling = hf.rope_scaling as { type?: unknown; rope_type?: unknown } | null | undefined;
  const scalingType = scaling ? (scaling.rope_type ?? scaling.type) : 'default';
  if (scalingType !== 'default') {
    throw new ImportError(`${file}: key 'rope_scaling': rotary scaling ${JSON.stringify(scalingType)} is not supported (only unscaled rotary positions)`);
  }
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
      normEps: typeof hf.rms_norm_eps === 'number' ? hf.rms_norm_eps : 1e-6,
      qkvBias: arch === 'qwen2',
      tieEmbeddings: hf.tie_word_embeddings === true,
    });
  } catch (err) {
    throw new ImportError(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

function transpose2d(t: HostTensor): HostTensor {
  const [rows, cols] = t.dims as [number, number];
  const src = t.data as Float32Array;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return { dtype: 'float32', dims: [cols, rows], data: out };
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
  const weights = readCheckpointWeights(dir);
  const tensors: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(weights.tensors)) {
    if (name.endsWith('.rotary_emb.inv_freq')) continue; // older exports keep rotary tables; ours are computed
    if (name === 'lm_head.weight' && config.tieEmbeddings) continue;
    const ours = name.startsWith('model.') ? name.slice('model.'.length) : name;
    tensors[ours] = t.dims.length === 2 && ours !== 'embed_tokens.weight' ? transpose2d(t) : t;
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
