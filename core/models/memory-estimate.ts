/**
 * What a run on a model will hold in memory, estimated from the config before any weight is read, so a run that
 * cannot fit is refused in one line instead of failing an hour in. The engine computes in float32, so every
 * figure counts 4 bytes a value. A frozen (LoRA) base is held about three times over: the imported tensors, their
 * copy in the engine worker (which sampling, scoring and the training programs all read by reference), and the
 * half-precision file and transposes while importing, and whatever garbage the collector has not returned yet.
 * `bench hf` at Qwen2.5-0.5B's full shape measured peaks of 5.82 and 6.99 GiB for 494M parameters (1.84 GiB of
 * float32) in two runs, 3.2x and 3.8x, so 4 copies are counted. (When the training programs embedded the base, the
 * peak was 10.4x.)
 */
import { totalmem } from 'node:os';
import { type Head, type TransformerConfig, headSize, kvHeads, mlpSize, parameterCount, transformerShapes } from './transformer';

export interface MemoryPlan {
  /** LoRA rank, or null to train every weight. */
  loraRank: number | null;
  /** Matrices that get adapters (names as in transformerParams). */
  loraTargets: readonly string[];
  /** Sequences and tokens per training step. */
  batch: number;
  seqLen: number;
  /** Rows decoded together and the positions each one holds (prompt + new tokens). */
  sampleRows: number;
  samplePositions: number;
}

export interface MemoryEstimate {
  parameters: number;
  /** Bytes of the base weights (counted once per copy the run holds). */
  weightsBytes: number;
  /** Adapters (or every weight, for full training) with their gradient and two AdamW moments. */
  trainableBytes: number;
  optimizerBytes: number;
  /** Forward activations a backward pass keeps, for one training step. */
  activationBytes: number;
  kvCacheBytes: number;
  totalBytes: number;
}

const MiB = 1024 ** 2;
/** Peak resident bytes of a LoRA run over its base's float32 bytes, as `bench hf` measured it (see above). */
export const loraBaseCopies = 4;
const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

export function estimateMemory(config: TransformerConfig, plan: MemoryPlan, heads: readonly Head[] = ['lm']): MemoryEstimate {
  const specs = transformerShapes(config, heads);
  const parameters = parameterCount(specs);
  const C = config.nEmbd;
  const F = mlpSize(config);
  const kv = kvHeads(config) * headSize(config);
  let trainable = parameters;
  if (plan.loraRank !== null) {
    trainable = 0;
    for (const name of plan.loraTargets) {
      const s = specs[name];
      if (s && s.shape.length === 2) trainable += plan.loraRank * (s.shape[0]! + s.shape[1]!);
    }
  }
  const weightsBytes = 4 * parameters * (plan.loraRank !== null ? loraBaseCopies : 1);
  const trainableBytes = 4 * trainable * 2; // the values and their gradient
  const optimizerBytes = 4 * trainable * 2; // AdamW's two moments
  // Per token and layer a backward pass keeps the block's inputs and intermediates: about 2C for norms and
  // residuals, q, k, v and the attention output (C + 2kv + C), the MLP's gate, up and product (3F); plus the
  // attention probabilities (heads x T per token) and the logits at the end.
  const T = plan.seqLen;
  const perTokenLayer = 4 * C + 2 * kv + 3 * F + config.nHead * T;
  const activationBytes = 4 * plan.batch * T * (config.nLayer * perTokenLayer + 2 * config.vocabSize);
  const kvCacheBytes = 4 * plan.sampleRows * plan.samplePositions * config.nLayer * 2 * kv;
  return {
    parameters,
    weightsBytes,
    trainableBytes,
    optimizerBytes,
    activationBytes,
    kvCacheBytes,
    totalBytes: weightsBytes + trainableBytes + optimizerBytes + activationBytes + kvCacheBytes,
  };
}

/** One line a person can read: what the run will hold, part by part. */
export function describeMemory(e: MemoryEstimate): string {
  return (
    `${(e.parameters / 1e6).toFixed(1)}M parameters: weights ${gib(e.weightsBytes)}, trainable ${gib(e.trainableBytes)}, ` +
    `optimizer ${gib(e.optimizerBytes)}, activations ${gib(e.activationBytes)}, KV cache ${gib(e.kvCacheBytes)}; total ${gib(e.totalBytes)}`
  );
}

/** ONNX protobuf messages stop at 2 GiB: a program cannot embed more weights than that. */
export const maxEmbeddedWeightBytes = 2 * 1024 ** 3 - 64 * MiB;

/** Throws one line naming `source` when the run would not fit in `availableBytes` (default: the machine's memory). */
export function assertFits(source: string, e: MemoryEstimate, availableBytes = totalmem()): void {
  const perCopy = 4 * e.parameters;
  if (perCopy > maxEmbeddedWeightBytes) {
    throw new Error(`${source}: ${gib(perCopy)} of float32 weights exceed the ${gib(maxEmbeddedWeightBytes)} one ONNX program can embed; use a smaller model`);
  }
  if (e.totalBytes > availableBytes) {
    throw new Error(`${source}: the run needs about ${gib(e.totalBytes)} but ${gib(availableBytes)} are available (${describeMemory(e)}); lower the batch, the sequence length or the LoRA rank, or use a smaller model`);
  }
}
