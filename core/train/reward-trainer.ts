/**
 * The reward model (the reranker): a transformer whose reward head reads one score at the last token of
 * bos + prompt + completion + eos, trained with the Bradley-Terry loss so a problem's passing candidates score
 * above its failing ones. Held-out metrics are pairwise accuracy (what the loss optimises) and ROC-AUC.
 */
import type { Engine } from '../engine/engine';
import type { Feed, HostTensor } from '../engine/protocol';
import type { ParamSpec, Trainer, TrainerState } from '../engine/trainer';
import { pairwiseAccuracy, rocAuc } from './ranking';
import { type ModelRef, feedsFor, rewardProgram, uploadModel } from '../models/programs';
import { type RewardRow, completionMask, rewardTokens } from '../models/reward-rows';
import { type TextTokenizer, specialIds } from '../models/tokenizers';
import {
  type Head,
  type TransformerConfig,
  bradleyTerryInputs,
  bradleyTerryLoss,
  generatorPrefix,
  hasFrozenGenerator,
  transformerParams,
} from '../models/transformer';
import { EpochOrder, f32, padRight } from './batches';
import { type JudgedCandidate, type Pair, effectivePass } from './pairs';
import { type ScaleSample, fitLogProbScale } from './logprob-scale';
import { pairAccuracy, splitPairsByProblem } from './pair-validation';
import { type RewardConfig, type RewardConfigInput, rewardConfigSchema } from './reward-config';
import { tailMean } from './shared/loss-tail';
import { loraOnFrozenBase } from './shared/lora-base';
import { type Progress, savedMetadata } from './shared/resume';
import { runSteps, startTraining, trainedModel } from './shared/step-loop';

export type { Progress } from './shared/resume';

/** What the reranker reads: the problem's prompt and one candidate completion. */
export interface ScoredText {
  prompt: string;
  completion: string;
}


/**
 * Scores many candidates with a reward model, in batches of similar length (sorted, so padding stays small);
 * scores come back in the order given.
 */
export async function scoreCandidates(
  engine: Engine,
  model: ModelRef,
  tokenizer: TextTokenizer,
  items: readonly ScoredText[],
  options: { batchSize?: number; maxLength?: number; onProgress?: (p: Progress) => void } = {},
): Promise<number[]> {
  const special = specialIds(tokenizer);
  const maxLength = Math.min(options.maxLength ?? model.config.maxSeqLen, model.config.maxSeqLen);
  const batchSize = options.batchSize ?? 64;
  const rows = items.map((item) => rewardTokens(tokenizer, special, item, maxLength));
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.ids.length - rows[b]!.ids.length || a - b);
  const scores = new Array<number>(items.length).fill(0);
  const program = rewardProgram(model);
  const withCompletion = program.inputs.some((i) => i.name === 'completion');
  for (let i = 0; i < order.length; i += batchSize) {
    const chunk = order.slice(i, i + batchSize);
    const batch = chunk.map((j) => rows[j]!);
    const { ids, mask } = padRight(batch.map((r) => r.ids), special.pad);
    const completion: Record<string, HostTensor> = withCompletion ? { completion: completionMask(batch) } : {};
    const out = await engine.run(program, { feeds: { ...feedsFor(program, model), idx: ids, mask, ...completion }, fetch: ['score'] });
    const s = out.score!.data as Float32Array;
    chunk.forEach((j, k) => (scores[j] = s[k]!));
    options.onProgress?.({ done: Math.min(i + batchSize, order.length), total: order.length });
  }
  return scores;
}

export interface RewardModelInit {
  config: TransformerConfig;
  /**
   * Weights to start from when config.init is 'generator': the SFT generator's backbone (its reward head starts at
   * 0), or a previous reranker's (head included) to continue training on new pairs, e.g. with mined hard negatives.
   */
  tensors?: Record<string, HostTensor>;
  /**
   * Train low-rank adapters on the frozen backbone of `tensors` (and the reward head in full) instead of every
   * weight, as sft-trainer's LoRA mode does.
   */
  lora?: { rank: number; targets: string[] };
  /** The SFT generator's weights: the frozen copy whose log-prob a reranker with rewardLogProbSource 'generator' adds. */
  generator?: Record<string, HostTensor>;
}

export interface HeldoutCandidate extends JudgedCandidate, ScoredText {}

export interface RewardMetrics {
  steps: number;
  pairs: number;
  /** Mean loss over the last 10% of steps. */
  trainLoss: number;
  losses: number[];
  pairsPerSecond: number;
  seconds: number;
  /** The step whose weights were kept (the best on the validation pairs; config.steps when none were set aside). */
  keptStep: number;
  /** Validation pairs' accuracy at each scoring, step 0 included (empty when none were set aside). */
  validation: { step: number; accuracy: number }[];
  /** On held-out problems' candidates (when given): null where a class is missing. */
  heldoutPairwiseAccuracy: number | null;
  heldoutAuc: number | null;
}

export interface RewardResult {
  /** The reranker's config as trained: the given one with the fitted log-prob weight (save this one). */
  config: TransformerConfig;
  trainer: Trainer;
  model: ModelRef;
  specs: Record<string, ParamSpec>;
  /** Tensors the trainer holds but never trains (the frozen generator); a saved reranker needs them too. */
  frozen: Record<string, HostTensor>;
  metrics: RewardMetrics;
  /** Held-out candidates' scores, in the order given. */
  heldoutScores: number[];
}

/**
 * Trains the reranker on pairs of candidate ids; `texts` maps each id to its prompt and completion.
 * Deterministic given config.seed; `checkpoint` as in trainSft (saved at the end, resumed when it exists).
 */
export async function trainRewardModel(
  engine: Engine,
  init: RewardModelInit,
  tokenizer: TextTokenizer,
  texts: ReadonlyMap<string, ScoredText>,
  pairs: readonly Pair[],
  configInput: RewardConfigInput | RewardConfig,
  options: { onProgress?: (p: Progress) => void; checkpoint?: string; heldout?: readonly HeldoutCandidate[] } = {},
): Promise<RewardResult> {
  const config = rewardConfigSchema.parse(configInput);
  const special = specialIds(tokenizer);
  let cfg = init.config;
  if (pairs.length === 0) throw new Error('reward model: no pairs (no problem has both a passing and a failing candidate)');
  const maxLength = Math.min(config.maxLength, cfg.maxSeqLen);
  // 1. a slice of the training problems set aside to choose which step's weights are kept (./pair-validation.ts)
  const { train, validation } = splitPairsByProblem(pairs, config.validationShare, config.seed);
  const textOf = (id: string): ScoredText => {
    const text = texts.get(id);
    if (!text) throw new Error(`reward model: pair names candidate '${id}', which has no text`);
    return text;
  };
  const tokens = new Map<string, RewardRow>();
  const tokensOf = (id: string): RewardRow => {
    let t = tokens.get(id);
    if (!t) {
      t = rewardTokens(tokenizer, special, textOf(id), maxLength);
      tokens.set(id, t);
    }
    return t;
  };

  const heads: Head[] = ['reward'];
  // From given weights, nothing is drawn (a 0.5B model's draw takes minutes); what they lack (the new reward head,
  // zero in a fresh model too) starts at zero.
  const fromWeights = init.tensors !== undefined && config.init === 'generator';
  let specs = transformerParams(cfg, heads, config.seed, !fromWeights);
  if (fromWeights) {
    for (const [name, s] of Object.entries(specs)) {
      // The frozen generator copy is filled below, from the generator's own weights.
      if (s.trainable === false) continue;
      const t = init.tensors![name];
      s.init = t ? (t.data as Float32Array).slice() : new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    }
  }
  let frozenFeeds: Record<string, Feed> = {};
  const frozen: Record<string, HostTensor> = {};
  if (hasFrozenGenerator(cfg)) {
    if (init.lora) throw new Error("reward model: LoRA training and a frozen generator copy don't go together (set reranker.rewardLogProbSource to 'own')");
    for (const [name, s] of Object.entries(specs)) {
      if (!name.startsWith(generatorPrefix)) continue;
      const t = init.generator?.[name.slice(generatorPrefix.length)] ?? init.tensors?.[name];
      if (!t || t.dims.join() !== s.shape.join()) {
        throw new Error(`reward model: the frozen generator needs tensor '${name.slice(generatorPrefix.length)}' of shape [${s.shape}] (give the SFT generator's weights)`);
      }
      s.init = (t.data as Float32Array).slice();
      frozen[name] = { dtype: 'float32', dims: s.shape, data: s.init };
    }
    // Inference programs take every parameter as an input: the frozen copy goes to the engine worker once.
    frozenFeeds = (await uploadModel(engine, cfg, heads, frozen)).feeds;
  }
  // 2. the log-prob term's weight: the one a saved checkpoint trained with, else fitted on the starting weights
  const saved = savedMetadata(options.checkpoint)?.config;
  if (saved !== undefined) {
    const weight = (JSON.parse(saved) as { rewardLogProbWeight?: unknown }).rewardLogProbWeight;
    if (typeof weight !== 'number') throw new Error(`${options.checkpoint}: metadata 'config' has no rewardLogProbWeight`);
    cfg = { ...cfg, rewardLogProbWeight: weight };
  } else if (config.fitLogProbScale && cfg.rewardLogProbWeight > 0) {
    const { weight, meanLogProb } = await fittedLogProbWeight(engine, cfg, heads, specs, tokenizer, textOf, train, maxLength, config.seed);
    cfg = { ...cfg, rewardLogProbWeight: weight };
    // The scaled term sits far from zero (weight x a mean log-prob of about -0.3); the head's bias starts at minus
    // that, or the centring penalty would spend the first hundred steps pulling the bias there.
    const bias = specs['reward_head.bias'];
    if (bias) bias.init = Float32Array.of((bias.init[0] ?? 0) - weight * meanLogProb);
  }
  if (init.lora) {
    ({ specs, frozenFeeds } = await loraOnFrozenBase(engine, cfg, heads, specs, { rank: init.lora.rank, targets: init.lora.targets, seed: config.seed, head: 'reward_head.' }));
  }
  const run = await startTraining(
    engine,
    { params: specs, inputs: bradleyTerryInputs, loss: (p, x) => bradleyTerryLoss(cfg, p, x, config.centerRewardsCoefficient), frozenFeeds },
    config,
    { file: options.checkpoint, model: cfg, trainer: 'reward' },
  );
  const { trainer, losses } = run;
  const model = trainedModel(trainer, cfg, heads, specs, frozenFeeds);

  // 3. Bradley-Terry steps, the validation pairs scored every validateEvery steps and the best step's state kept
  const validationIds = [...new Set(validation.flatMap((p) => [p.chosen, p.rejected]))];
  const curve: { step: number; accuracy: number }[] = [];
  let best: { step: number; accuracy: number; state: TrainerState } | null = null;
  const validate = async (): Promise<void> => {
    const scores = await scoreCandidates(engine, model, tokenizer, validationIds.map(textOf), { maxLength });
    const accuracy = pairAccuracy(validation, new Map(validationIds.map((id, i) => [id, scores[i]!])));
    curve.push({ step: trainer.stepCount, accuracy });
    if (!best || accuracy > best.accuracy) best = { step: trainer.stepCount, accuracy, state: await trainer.state() };
  };
  // Only a fresh run selects: the reward trainer saves once, at the end, so a resumed one is already finished.
  const selecting = validation.length > 0 && trainer.stepCount === 0;
  if (selecting) await validate();
  const order = new EpochOrder(train.length, config.seed);
  const seconds = await runSteps(
    run,
    config,
    (step) => {
      const batch = order.batch(step, Math.min(config.batchPairs, train.length)).map((i) => train[i]!);
      const chosenRows = batch.map((p) => tokensOf(p.chosen));
      const rejectedRows = batch.map((p) => tokensOf(p.rejected));
      const chosen = padRight(chosenRows.map((r) => r.ids), special.pad);
      const rejected = padRight(rejectedRows.map((r) => r.ids), special.pad);
      return {
        chosen: chosen.ids,
        chosenMask: chosen.mask,
        rejected: rejected.ids,
        rejectedMask: rejected.mask,
        ...(cfg.rewardLogProbWeight > 0 ? { chosenCompletion: completionMask(chosenRows), rejectedCompletion: completionMask(rejectedRows) } : {}),
        weight: f32(batch.map((p) => p.weight), [batch.length]),
        margin: f32(batch.map(() => config.margin), [batch.length]),
      };
    },
    {
      onProgress: options.onProgress,
      afterStep: async (step) => {
        if (selecting && ((step + 1) % config.validateEvery === 0 || step + 1 === config.steps)) await validate();
      },
      beforeSave: async (): Promise<Record<string, string>> => {
        const kept = best as { step: number; accuracy: number; state: TrainerState } | null;
        // The kept weights go back under the final step count, so the saved checkpoint reads as finished.
        if (kept && kept.step !== trainer.stepCount) await trainer.restore({ step: trainer.stepCount, tensors: kept.state.tensors });
        return kept ? { keptStep: String(kept.step) } : {};
      },
    },
  );
  const kept = best as { step: number; accuracy: number; state: TrainerState } | null;

  const heldout = options.heldout ?? [];
  const heldoutScores = heldout.length ? await scoreCandidates(engine, model, tokenizer, heldout, { maxLength }) : [];
  const scored = heldout.map((c, i) => ({ taskId: c.taskId, score: heldoutScores[i]!, passed: effectivePass(c) }));
  const byTask = new Map<string, typeof scored>();
  for (const s of scored) byTask.set(s.taskId, [...(byTask.get(s.taskId) ?? []), s]);
  return {
    config: cfg,
    trainer,
    model,
    specs,
    frozen,
    heldoutScores,
    metrics: {
      steps: config.steps,
      pairs: pairs.length,
      trainLoss: tailMean(losses),
      losses,
      pairsPerSecond: seconds > 0 ? (losses.length * Math.min(config.batchPairs, pairs.length)) / seconds : 0,
      seconds,
      keptStep: kept?.step ?? config.steps,
      validation: curve,
      heldoutPairwiseAccuracy: pairwiseAccuracy([...byTask.values()]),
      heldoutAuc: rocAuc(scored),
    },
  };
}

/**
 * The Bradley-Terry-optimal weight of the log-prob term alone: the starting model with its reward head at zero
 * scores each candidate of up to 2,048 pairs (its score is then exactly the log-prob term), and the weight is fitted
 * to their differences (./logprob-scale.ts says why). Also their mean log-prob, to centre the scaled term.
 */
async function fittedLogProbWeight(
  engine: Engine,
  cfg: TransformerConfig,
  heads: Head[],
  specs: Record<string, ParamSpec>,
  tokenizer: TextTokenizer,
  textOf: (id: string) => ScoredText,
  pairs: readonly Pair[],
  maxLength: number,
  seed: number,
): Promise<{ weight: number; meanLogProb: number }> {
  const order = new EpochOrder(pairs.length, seed ^ 0x5ca1e);
  const sample = order.batch(0, Math.min(2048, pairs.length)).map((i) => pairs[i]!);
  const ids = [...new Set(sample.flatMap((p) => [p.chosen, p.rejected]))];
  const tensors: Record<string, HostTensor> = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, { dtype: 'float32' as const, dims: s.shape, data: name.startsWith('reward_head.') ? new Float32Array(s.init.length) : s.init }]),
  );
  const unit = { ...cfg, rewardLogProbWeight: 1 };
  const model = await uploadModel(engine, unit, heads, tensors);
  try {
    const scores = await scoreCandidates(engine, model, tokenizer, ids.map(textOf), { maxLength });
    const logProb = new Map(ids.map((id, i) => [id, scores[i]!]));
    const samples: ScaleSample[] = sample.map((p) => ({ diff: logProb.get(p.chosen)! - logProb.get(p.rejected)!, weight: p.weight }));
    return { weight: fitLogProbScale(samples, { start: cfg.rewardLogProbWeight }), meanLogProb: scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length) };
  } finally {
    await engine.drop(Object.values(model.feeds).flatMap((f) => ('resident' in f ? [f.resident] : [])));
  }
}
