/**
 * The reranker as one standalone .onnx file: weights embedded, input_ids and attention_mask (batch, sequence) int64
 * in, score (batch) out, right padding. A bare onnxruntime InferenceSession runs it with no code of ours. The file
 * also carries what a caller needs to build those inputs, in the model's metadata_props:
 * - `tokenizer.json`: the Hugging Face tokenizer (encode bos + prompt + completion + eos with it),
 * - `rewardranker.max_length`: the longest sequence (positions beyond it do not exist in the model),
 * - `rewardranker.special_ids`: {pad, bos, eos} as JSON.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import type { Program, ValueSpec } from '../engine/emit';
import type { Engine } from '../engine/engine';
import type { DType } from '../engine/graph';
import type { HostTensor } from '../engine/protocol';
import { standaloneRewardProgram } from './programs';
import { rewardTokens } from './reward-rows';
import { type SpecialIds, TextTokenizer, specialIds } from './tokenizers';
import type { TransformerConfig } from './transformer';

const { onnx } = onnxProto;

export const metadataKeys = { tokenizer: 'tokenizer.json', maxLength: 'rewardranker.max_length', special: 'rewardranker.special_ids' } as const;

/** Writes the standalone reranker (atomically) and returns its byte size. */
export function exportReranker(file: string, config: TransformerConfig, tensors: Record<string, HostTensor>, tokenizer: TextTokenizer): number {
  const program = standaloneRewardProgram(config, tensors);
  const model = onnx.ModelProto.decode(program.bytes);
  const special = specialIds(tokenizer);
  model.producerName = 'rewardranker';
  model.docString = 'RewardRanker reranker: score(bos + prompt + completion + eos), higher is more likely to pass';
  model.metadataProps = [
    { key: metadataKeys.tokenizer, value: tokenizer.toJson() },
    { key: metadataKeys.maxLength, value: String(config.maxSeqLen) },
    { key: metadataKeys.special, value: JSON.stringify({ pad: special.pad, bos: special.bos, eos: special.eos }) },
  ];
  const bytes = onnx.ModelProto.encode(model).finish();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return bytes.length;
}

export interface ImportedReranker {
  program: Program;
  tokenizer: TextTokenizer;
  special: SpecialIds;
  maxLength: number;
}

const dtypeOf: Record<number, DType> = { 1: 'float32', 11: 'float64', 7: 'int64', 9: 'bool' };

/** Reads an exported reranker: the program to run on the engine and the tokenizer from its metadata. */
export function readReranker(file: string): ImportedReranker {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new Error(`${file}: not an ONNX model (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  const meta = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const tokenizerJson = meta.get(metadataKeys.tokenizer);
  if (!tokenizerJson) throw new Error(`${file}: no '${metadataKeys.tokenizer}' in the model's metadata (not exported by rewardranker?)`);
  const tokenizer = TextTokenizer.fromJson(JSON.parse(tokenizerJson), `${file} (metadata ${metadataKeys.tokenizer})`);
  const maxLength = Number(meta.get(metadataKeys.maxLength));
  if (!Number.isInteger(maxLength) || maxLength <= 0) throw new Error(`${file}: metadata '${metadataKeys.maxLength}' is not a length`);
  const graph = model.graph;
  const initialized = new Set((graph?.initializer ?? []).map((t) => t.name));
  const spec = (v: onnxProto.onnx.IValueInfoProto): ValueSpec => ({
    name: v.name ?? '',
    dtype: dtypeOf[v.type?.tensorType?.elemType ?? 0] ?? 'float32',
    shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))),
  });
  const inputs = (graph?.input ?? []).filter((v) => !initialized.has(v.name ?? '')).map(spec);
  const names = inputs.map((i) => i.name).sort().join(',');
  if (names !== 'attention_mask,input_ids' && names !== 'attention_mask,input_ids,token_type_ids') {
    throw new Error(`${file}: inputs are [${names}], a reranker takes [attention_mask, input_ids] and, with a log-prob term, token_type_ids`);
  }
  if (!(graph?.output ?? []).some((o) => o.name === 'score')) throw new Error(`${file}: the model has no output 'score'`);
  const key = createHash('sha256').update(bytes).update('all').digest('hex');
  return {
    program: { bytes, key, inputs, outputs: (graph?.output ?? []).map(spec), optimization: 'all' },
    tokenizer,
    special: specialIds(tokenizer),
    maxLength,
  };
}

/** Scores prompt + completion pairs with an exported reranker on the engine, in batches of similar length. */
export async function scoreWithReranker(
  engine: Engine,
  reranker: ImportedReranker,
  items: readonly { prompt: string; completion: string }[],
  batchSize = 32,
): Promise<number[]> {
  const { tokenizer, special, maxLength } = reranker;
  const rows = items.map((it) => rewardTokens(tokenizer, special, it, maxLength));
  const withTypes = reranker.program.inputs.some((i) => i.name === 'token_type_ids');
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.ids.length - rows[b]!.ids.length || a - b);
  const scores = new Array<number>(items.length).fill(0);
  for (let i = 0; i < order.length; i += batchSize) {
    const chunk = order.slice(i, i + batchSize);
    const T = Math.max(...chunk.map((j) => rows[j]!.ids.length));
    const ids = new BigInt64Array(chunk.length * T).fill(BigInt(special.pad));
    const mask = new BigInt64Array(chunk.length * T);
    const types = new BigInt64Array(chunk.length * T);
    chunk.forEach((j, b) => {
      const { ids: row, completionStart } = rows[j]!;
      row.forEach((tok, t) => ((ids[b * T + t] = BigInt(tok)), (mask[b * T + t] = 1n), (types[b * T + t] = t >= completionStart ? 1n : 0n)));
    });
    const dims = [chunk.length, T];
    const out = await engine.run(reranker.program, {
      feeds: {
        input_ids: { dtype: 'int64', dims, data: ids },
        attention_mask: { dtype: 'int64', dims, data: mask },
        ...(withTypes ? { token_type_ids: { dtype: 'int64' as const, dims, data: types } } : {}),
      },
      fetch: ['score'],
    });
    const s = out.score!.data as Float32Array;
    chunk.forEach((j, k) => (scores[j] = s[k]!));
  }
  return scores;
}
