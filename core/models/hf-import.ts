/**
 * Hugging Face checkpoint import: a Llama or Qwen2 directory (config.json, model.safetensors or shards with
 * model.safetensors.index.json, tokenizer.json) into the transformer of transformer.ts, for inference and LoRA
 * training. Names lose the `model.` prefix; linear weights turn from PyTorch's (out, in) into our (in, out).
 * Anything we cannot run the same way (another architecture, rope scaling, another activation, a tokenizer with
 * more tokens than the embedding) is refused in one line naming the file and the key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTensor } from '../engine/protocol';
import { readSafetensors } from '../engine/safetensors';
import { checkWeights } from './checkpoint';
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

/** The transformer config of a Hugging Face config.json (Llama or Qwen2). */
export function configFromHf(file: string, hf: Record<string, unknown>): TransformerConfig {
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
  if (hf.rope_scaling !== undefined && hf.rope_scaling !== null) throw new ImportError(`${file}: key 'rope_scaling': scaled rotary positions are not supported`);
  if (hf.attention_bias === true || hf.mlp_bias === true) throw new ImportError(`${file}: key '${hf.attention_bias === true ? 'attention_bias' : 'mlp_bias'}': biases on Llama projections are not supported`);
  const nHead = int('num_attention_heads');
  const C = int('hidden_size');
  if (hf.head_dim !== undefined && hf.head_dim !== null && hf.head_dim !== C / nHead) throw new ImportError(`${file}: key 'head_dim': ${JSON.stringify(hf.head_dim)} differs from hidden_size / num_attention_heads`);
  try {
    return transformerConfig({
      arch,
      vocabSize: int('vocab_size'),
      maxSeqLen: Math.min(int('max_position_embeddings', 2048), 32768),
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

/** Tensors of every shard, by Hugging Face name, each naming the file it came from. */
function readWeights(dir: string): { tensors: Record<string, HostTensor>; from: Record<string, string> } {
  const single = join(dir, 'model.safetensors');
  const index = join(dir, 'model.safetensors.index.json');
  let files: string[];
  if (existsSync(single)) files = [single];
  else if (existsSync(index)) {
    const map = readJson(index).weight_map;
    if (typeof map !== 'object' || map === null) throw new ImportError(`${index}: key 'weight_map' is missing or not an object`);
    files = [...new Set(Object.values(map as Record<string, unknown>).map(String))].map((f) => join(dir, f));
  } else {
    throw new ImportError(`${dir}: no model.safetensors or model.safetensors.index.json`);
  }
  const tensors: Record<string, HostTensor> = {};
  const from: Record<string, string> = {};
  for (const file of files) {
    for (const [name, t] of Object.entries(readSafetensors(file).tensors)) {
      if (t.dtype !== 'float32') throw new ImportError(`${file}: tensor '${name}' is ${t.dtype}; import reads float32 checkpoints`);
      tensors[name] = t;
      from[name] = file;
    }
  }
  return { tensors, from };
}

export function importHfModel(dir: string): ImportedModel {
  const configFile = join(dir, 'config.json');
  const config = configFromHf(configFile, readJson(configFile));
  const { tensors: hf, from } = readWeights(dir);
  const tensors: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(hf)) {
    if (name.endsWith('.rotary_emb.inv_freq')) continue; // older exports keep rotary tables; ours are computed
    if (name === 'lm_head.weight' && config.tieEmbeddings) continue;
    const ours = name.startsWith('model.') ? name.slice('model.'.length) : name;
    tensors[ours] = t.dims.length === 2 && ours !== 'embed_tokens.weight' ? transpose2d(t) : t;
  }
  const someFile = from[Object.keys(hf)[0] ?? ''] ?? dir;
  checkWeights(someFile, config, ['lm'], tensors);
  const tokenizerFile = join(dir, 'tokenizer.json');
  const tokenizer = TextTokenizer.load(tokenizerFile);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new ImportError(`${tokenizerFile}: the tokenizer has ${tokenizer.vocabSize} tokens but the model (${configFile}) embeds ${config.vocabSize}: they do not belong together`);
  }
  return { config, tensors, tokenizer };
}
