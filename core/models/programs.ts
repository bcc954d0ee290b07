/**
 * A model as the engine runs it: its config, heads and parameter shapes, and feeds naming its parameters in the
 * engine worker (resident tensors, a trainer's current weights or loaded ones). The inference programs built from
 * it (prefill, one-token decode, reward scoring) take the parameters as inputs, so one program serves every
 * version of the weights, and are cached per model shape.
 */
import { type Program, emitProgram } from '../engine/emit';
import type { Engine } from '../engine/engine';
import type { Tensor } from '../engine/graph';
import { cast, gather, input, param, transpose } from '../engine/ops';
import type { Feed, HostTensor } from '../engine/protocol';
import type { Trainer } from '../engine/trainer';
import {
  type Head,
  type LayerCache,
  type TransformerConfig,
  decodeInputs,
  lmLogits,
  rewardScore,
  scalarHead,
  transformerHidden,
} from './transformer';

export interface ModelRef {
  config: TransformerConfig;
  heads: readonly Head[];
  /** Every parameter the programs take, with its shape. */
  shapes: Record<string, number[]>;
  /** A feed for each parameter: resident tensors in the engine worker. */
  feeds: Record<string, Feed>;
}

/** The model whose weights a trainer holds (trainable ones resident; frozen ones, e.g. a LoRA base, put by the caller). */
export function modelOfTrainer(trainer: Trainer, config: TransformerConfig, heads: readonly Head[], shapes: Record<string, number[]>, frozenFeeds: Record<string, Feed> = {}): ModelRef {
  return { config, heads, shapes, feeds: { ...frozenFeeds, ...trainer.parameterFeeds() } };
}

let uploads = 0;

/** Puts weights into the engine worker under a fresh prefix and returns the model naming them. */
export async function uploadModel(engine: Engine, config: TransformerConfig, heads: readonly Head[], tensors: Record<string, HostTensor>): Promise<ModelRef> {
  const prefix = `model${uploads++}/`;
  await engine.put(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [prefix + k, t])));
  return {
    config,
    heads,
    shapes: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.dims])),
    feeds: Object.fromEntries(Object.keys(tensors).map((k) => [k, { resident: prefix + k }])),
  };
}

/** The model's parameter feeds that a program takes (a head it does not use is not one of its inputs). */
export function feedsFor(program: Program, model: Pick<ModelRef, 'feeds'>): Record<string, Feed> {
  const out: Record<string, Feed> = {};
  for (const i of program.inputs) if (i.name in model.feeds) out[i.name] = model.feeds[i.name]!;
  return out;
}

function paramTensors(shapes: Record<string, number[]>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, param(n, s)]));
}

function cacheOutputs(cache: LayerCache[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  cache.forEach((c, l) => Object.assign(out, { [`present.${l}.k`]: c.k, [`present.${l}.v`]: c.v }));
  return out;
}

const cached = new Map<string, Program>();
function memo(kind: string, model: Pick<ModelRef, 'config' | 'shapes'>, build: () => Program): Program {
  const key = `${kind}:${JSON.stringify(model.config)}:${JSON.stringify(model.shapes)}`;
  let p = cached.get(key);
  if (!p) {
    p = build();
    cached.set(key, p);
  }
  return p;
}

/**
 * Prefill of left-padded prompts: idx, pos, key_mask (B, T) -> logits of the last position (B, V) and every
 * layer's keys and values present.<l>.k / .v (B, K, T, D). Only the last position's logits leave the worker.
 */
export function prefillProgram(model: Pick<ModelRef, 'config' | 'shapes'>): Program {
  return memo('prefill', model, () => {
    const p = paramTensors(model.shapes);
    const idx = input('idx', ['B', 'T'], 'int64');
    const { hidden, cache } = transformerHidden(model.config, p, idx, { pos: input('pos', ['B', 'T'], 'int64'), keyMask: input('key_mask', ['B', 'T']) });
    const last = gather(transpose(hidden, [1, 0, 2]), input('last', [1], 'int64')); // (1, B, C)
    return emitProgram({ logits: lmLogits(model.config, p, last), ...cacheOutputs(cache) }, { name: 'prefill' });
  });
}

/** One decoding step: idx, pos (B, 1), key_mask (B, S) and past (B, K, P, D) -> logits (B, 1, V), present (B, K, S, D). */
export function decodeProgram(model: Pick<ModelRef, 'config' | 'shapes'>): Program {
  return memo('decode', model, () => {
    const p = paramTensors(model.shapes);
    const { idx, pos, keyMask, past } = decodeInputs(model.config);
    const { hidden, cache } = transformerHidden(model.config, p, idx, { pos, keyMask, past });
    return emitProgram({ logits: lmLogits(model.config, p, hidden), ...cacheOutputs(cache) }, { name: 'decode' });
  });
}

/**
 * Reward of right-padded sequences: idx (B, T) int64, mask (B, T) float -> score (B); with a log-prob term also
 * completion (B, T) float, 1 on the completion's tokens and eos.
 */
export function rewardProgram(model: Pick<ModelRef, 'config' | 'shapes'>): Program {
  return memo('reward', model, () => {
    const p = paramTensors(model.shapes);
    const mask = input('mask', ['B', 'T']);
    const idx = input('idx', ['B', 'T'], 'int64');
    const completion = model.config.rewardLogProbWeight > 0 ? input('completion', ['B', 'T']) : undefined;
    const { hidden } = transformerHidden(model.config, p, idx);
    return emitProgram({ score: rewardScore(model.config, p, hidden, idx, mask, completion) }, { name: 'reward' });
  });
}

/** Per-token values or process rewards of right-padded sequences: idx (B, T) -> values (B, T). */
export function tokenHeadProgram(model: Pick<ModelRef, 'config' | 'shapes'>, head: 'value' | 'prm'): Program {
  return memo(head, model, () => {
    const p = paramTensors(model.shapes);
    const { hidden } = transformerHidden(model.config, p, input('idx', ['B', 'T'], 'int64'));
    return emitProgram({ values: scalarHead(p, head, hidden) }, { name: head });
  });
}

/** Full-sequence LM logits (B, T, V), for checks against reference implementations. */
export function logitsProgram(model: Pick<ModelRef, 'config' | 'shapes'>): Program {
  return memo('logits', model, () => {
    const p = paramTensors(model.shapes);
    const { hidden } = transformerHidden(model.config, p, input('idx', ['B', 'T'], 'int64'));
    return emitProgram({ logits: lmLogits(model.config, p, hidden) }, { name: 'logits' });
  });
}

/**
 * The standalone reranker: weights embedded as initializers, input_ids and attention_mask (B, T) int64 in
 * (Hugging Face's names and types), score (B) out. Right padding: the score is read at the last 1 of the mask. A
 * reranker with a log-prob term also takes token_type_ids (B, T) int64: 1 on the completion's tokens and eos.
 */
export function standaloneRewardProgram(config: TransformerConfig, tensors: Record<string, HostTensor>): Program {
  const shapes = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.dims]));
  const p = paramTensors(shapes);
  const mask = cast(input('attention_mask', ['batch', 'sequence'], 'int64'), 'float32');
  const idx = input('input_ids', ['batch', 'sequence'], 'int64');
  const completion = config.rewardLogProbWeight > 0 ? cast(input('token_type_ids', ['batch', 'sequence'], 'int64'), 'float32') : undefined;
  const { hidden } = transformerHidden(config, p, idx);
  const frozen = new Map(Object.entries(tensors).map(([k, t]) => [k, t.data]));
  return emitProgram({ score: rewardScore(config, p, hidden, idx, mask, completion) }, { name: 'reranker', frozen });
}
