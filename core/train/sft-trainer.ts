/**
 * Supervised fine-tuning: causal-LM loss on bos + prompt + solution + eos with the prompt masked out, so the
 * model learns to write solutions, not prompts. Held-out loss is measured the same way on problems it never saw.
 */
import type { Engine } from '../engine/engine';
import type { Feed, HostTensor } from '../engine/protocol';
import type { ParamSpec, Trainer } from '../engine/trainer';
import type { Problem } from '../data/problem';
import type { ModelRef } from '../models/programs';
import { promptTokens } from '../models/sampling';
import { type SpecialIds, type TextTokenizer, specialIds } from '../models/tokenizers';
import { type Head, type TransformerConfig, lmLoss, lmLossInputs, transformerParams } from '../models/transformer';
import { EpochOrder, f32, i64 } from './batches';
import { tailMean } from './shared/loss-tail';
import { loraOnFrozenBase } from './shared/lora-base';
import type { Progress } from './shared/resume';
import { runSteps, startTraining, trainedModel } from './shared/step-loop';
import { type SftConfig, sftConfigSchema, type SftConfigInput } from './sft-config';

export type { Progress } from './shared/resume';

export interface SftExample {
  tokens: number[];
  /** Tokens [0, promptLength) are the prompt: no loss on predicting them. */
  promptLength: number;
}

/** bos + prompt, then the solution and eos; cut at maxLength. */
export function sftExample(tokenizer: TextTokenizer, special: SpecialIds, prompt: string, solution: string, maxLength: number): SftExample {
  const p = promptTokens(tokenizer, special, prompt);
  const tokens = [...p, ...tokenizer.encode(solution), special.eos].slice(0, maxLength);
  return { tokens, promptLength: p.length };
}

/** idx = tokens[:-1], targets = tokens[1:], mask 1 on the solution's targets; right-padded. */
export function sftBatch(examples: readonly SftExample[], pad: number): Record<string, HostTensor> {
  const T = Math.max(...examples.map((e) => e.tokens.length)) - 1;
  const B = examples.length;
  const idx = new Array<number>(B * T).fill(pad);
  const targets = new Array<number>(B * T).fill(pad);
  const mask = new Array<number>(B * T).fill(0);
  examples.forEach((e, b) => {
    for (let t = 0; t + 1 < e.tokens.length; t++) {
      idx[b * T + t] = e.tokens[t]!;
      targets[b * T + t] = e.tokens[t + 1]!;
      mask[b * T + t] = t + 1 >= e.promptLength ? 1 : 0;
    }
  });
  return { idx: i64(idx, [B, T]), targets: i64(targets, [B, T]), mask: f32(mask, [B, T]) };
}

export interface SftModelInit {
  config: TransformerConfig;
  /** Start from these weights (e.g. an imported model); default: fresh weights drawn from the config's seed. */
  tensors?: Record<string, HostTensor>;
  /**
   * Train low-rank adapters instead of every weight: the base stays frozen (an initializer of the training
   * programs, uploaded once for sampling). Targets default to every attention q and v projection.
   */
  lora?: { rank: number; targets?: string[] };
}

export interface SftResult {
  trainer: Trainer;
  /** The trained generator, its weights resident in the engine (the trainer's). */
  model: ModelRef;
  specs: Record<string, ParamSpec>;
  metrics: {
    steps: number;
    /** Mean training loss over the last 10% of steps. */
    trainLoss: number;
    heldoutLoss: number | null;
    losses: number[];
    tokensPerSecond: number;
    seconds: number;
  };
}

/** Per-token mean loss over many examples, in batches (each batch's mean weighted by its solution tokens). */
export async function evaluateLoss(trainer: Trainer, examples: readonly SftExample[], batchSize: number, pad: number): Promise<number | null> {
  let total = 0;
  let tokens = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const slice = examples.slice(i, i + batchSize);
    const n = slice.reduce((s, e) => s + e.tokens.length - e.promptLength, 0);
    total += (await trainer.evaluate(sftBatch(slice, pad))) * n;
    tokens += n;
  }
  return tokens === 0 ? null : total / tokens;
}

/**
 * Trains the generator on problems with reference solutions. `checkpoint`: a file saved every
 * `checkpointEvery` steps and at the end; when it exists at the start, training resumes from it and reproduces
 * the uninterrupted run exactly (batches are a function of the step).
 */
export async function trainSft(
  engine: Engine,
  init: SftModelInit,
  tokenizer: TextTokenizer,
  data: { train: readonly Problem[]; heldout: readonly Problem[] },
  configInput: SftConfigInput | SftConfig,
  options: { onProgress?: (p: Progress) => void; checkpoint?: string } = {},
): Promise<SftResult> {
  const config = sftConfigSchema.parse(configInput);
  const special = specialIds(tokenizer);
  const cfg = init.config;
  if (tokenizer.vocabSize > cfg.vocabSize) {
    throw new Error(`${tokenizer.source}: the tokenizer has ${tokenizer.vocabSize} tokens, the model's vocabulary ${cfg.vocabSize}`);
  }
  // 1. examples: problems with a reference solution, the prompt masked out of the loss
  const toExamples = (problems: readonly Problem[]): SftExample[] =>
    problems
      .filter((p) => p.canonical_solution !== null)
      .map((p) => sftExample(tokenizer, special, p.prompt, p.canonical_solution!, Math.min(config.maxLength, cfg.maxSeqLen + 1)));
  const train = toExamples(data.train);
  const heldout = toExamples(data.heldout);
  if (train.length === 0) throw new Error('SFT: no training problem has a reference solution');

  // 2. the model: fresh or given weights, all trained or LoRA adapters on them
  const heads: Head[] = ['lm'];
  // Initial values are drawn only for a model from scratch (drawing a 0.5B model's takes minutes).
  let specs = transformerParams(cfg, heads, config.seed, !init.tensors);
  if (init.tensors) {
    for (const [name, s] of Object.entries(specs)) {
      const t = init.tensors[name];
      if (!t) throw new Error(`SFT: the initial weights have no tensor '${name}'`);
      s.init = t.data as Float32Array;
    }
  }
  let frozenFeeds: Record<string, Feed> = {};
  if (init.lora) {
    const targets = init.lora.targets ?? Object.keys(specs).filter((n) => /\.(q_proj|v_proj)\.weight$|\.c_attn\.weight$/.test(n));
    ({ specs, frozenFeeds } = await loraOnFrozenBase(engine, cfg, heads, specs, { rank: init.lora.rank, targets, seed: config.seed }));
  }
  const run = await startTraining(engine, { params: specs, inputs: lmLossInputs, loss: (p, x) => lmLoss(cfg, p, x), frozenFeeds }, config, {
    file: options.checkpoint,
    model: cfg,
    trainer: 'sft',
  });

  // 3. the causal-LM steps, resumed from the checkpoint
  const order = new EpochOrder(train.length, config.seed);
  let tokens = 0;
  const seconds = await runSteps(
    run,
    config,
    (step) => {
      const batch = order.batch(step, config.batchSize).map((i) => train[i]!);
      const per = Math.ceil(batch.length / config.microBatches);
      const micro = Array.from({ length: config.microBatches }, (_, m) => sftBatch(batch.slice(m * per, (m + 1) * per), special.pad));
      tokens += batch.reduce((s, e) => s + e.tokens.length, 0);
      return micro.length === 1 ? micro[0]! : micro;
    },
    { onProgress: options.onProgress },
  );
  const { trainer, losses } = run;

  // 4. held-out loss, measured the same way
  return {
    trainer,
    specs,
    model: trainedModel(trainer, cfg, heads, specs, frozenFeeds),
    metrics: {
      steps: config.steps,
      trainLoss: tailMean(losses),
      heldoutLoss: await evaluateLoss(trainer, heldout, config.batchSize, special.pad),
      losses,
      tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
      seconds,
    },
  };
}
