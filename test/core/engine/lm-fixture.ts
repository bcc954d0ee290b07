import type { HostTensor } from '../../../core/engine/protocol';
import { Rng } from '../../../core/engine/rng';
import { type Params, type TransformerConfig, lmLoss, lmLossInputs, transformerConfig, transformerParams } from '../../../core/models/transformer';

/** The product's transformer (GPT-2 layout), small enough for unit tests (the benchmark runs the full-size one). */
export const tinyLM: TransformerConfig = transformerConfig({ arch: 'gpt2', vocabSize: 48, maxSeqLen: 32, nLayer: 2, nHead: 2, nEmbd: 32 });

/** A Trainer spec of the tiny LM's language-model loss from seeded initial weights. */
export const lmSpec = (seed: number, optimizer = {}) => ({
  params: transformerParams(tinyLM, ['lm'], seed),
  inputs: lmLossInputs,
  loss: (p: Params, x: Params) => lmLoss(tinyLM, p, x),
  optimizer,
});

export const i64 = (values: number[], dims: number[]): HostTensor => ({ dtype: 'int64', dims, data: BigInt64Array.from(values, BigInt) });
export const f32 = (values: number[], dims: number[]): HostTensor => ({ dtype: 'float32', dims, data: Float32Array.from(values) });

/**
 * A language-model batch from token rows: inputs are row[0..n-1], targets row[1..n]; rows shorter than the
 * longest are right-padded with `pad` and masked out of the loss.
 */
export function lmBatch(rows: number[][], pad = 0): Record<string, HostTensor> {
  const T = Math.max(...rows.map((r) => r.length)) - 1;
  const B = rows.length;
  const idx: number[] = [];
  const targets: number[] = [];
  const mask: number[] = [];
  for (const r of rows) {
    for (let t = 0; t < T; t++) {
      const real = t + 1 < r.length;
      idx.push(t < r.length ? r[t]! : pad);
      targets.push(real ? r[t + 1]! : pad);
      mask.push(real ? 1 : 0);
    }
  }
  return { idx: i64(idx, [B, T]), targets: i64(targets, [B, T]), mask: f32(mask, [B, T]) };
}

/** Rows of a learnable pattern: counting up modulo the vocabulary from a random start. */
export function countingRows(rng: Rng, B: number, length: number, vocab: number): number[][] {
  return Array.from({ length: B }, () => {
    const start = rng.int(vocab);
    return Array.from({ length }, (_, t) => (start + t) % vocab);
  });
}
