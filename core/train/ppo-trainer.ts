/**
 * Policy optimisation of the generator against the reranker (RewardRanker's stage C): PPO with a value head on the
 * policy's own backbone, or GRPO (a config switch) sharing the rollouts, log-probs and clipped loss. Reads top to
 * bottom under TRL's numbered phases; the arithmetic lives in ./rl as small pure functions.
 *
 * By default (critic 'shared') the critic is a value head on the policy's backbone, not a separate model: one model
 * in memory and one forward per mini-batch on a 2-core desktop, and a backbone already tuned to the code it scores.
 * The price is that the value loss moves the policy's features too, which the small value coefficient (TRL's 0.1)
 * keeps in check. Process supervision (arXiv 2410.17621) wants the critic to start as the process reward model,
 * whose backbone is not the policy's: critic 'separate' gives the critic a model and a trainer of its own (value
 * loss only), and valueInit 'prm' starts it from the PRM. denseReward adds the PRM's per-line scores to the token
 * rewards (./rl/dense-rewards).
 *
 * With `lora` (a Hugging Face base) the given weights stay frozen, fed by reference, and serve as the KL reference
 * too: only LoRA adapters on them and the value head (the separate critic's likewise, on its own frozen start)
 * train, so a 0.5B policy costs its adapters' optimizer state, not a second copy of the model.
 */
import { type Program, emitProgram } from '../engine/emit';
import type { Engine } from '../engine/engine';
import { input, param } from '../engine/ops';
import type { Feed, HostTensor } from '../engine/protocol';
import { withLora } from '../engine/lora';
import { Rng } from '../engine/rng';
import { Trainer, type ParamSpec } from '../engine/trainer';
import { type ModelRef, feedsFor, modelOfTrainer, tokenHeadProgram, uploadModel } from '../models/programs';
import { promptTokens, sampleTokens } from '../models/sampling';
import { type SpecialIds, type TextTokenizer, specialIds } from '../models/tokenizers';
import { type Head, type TransformerConfig, lmLogits, scalarHead, transformerHidden, transformerParams } from '../models/transformer';
import { completionLines, lineEndTokenIndices } from './prm/line-ends';
import { EpochOrder, f32, i64 } from './batches';
import { type PpoConfig, type PpoConfigInput, ppoConfigSchema } from './ppo-config';
import { gae, groupAdvantages, tokenRewards, whiten } from './rl/advantages';
import { denseLambda, lineEndPositions, withDenseRewards } from './rl/dense-rewards';
import { klRows } from './rl/kl';
import { nextKlCoef } from './rl/kl-controller';
import { ppoLoss, ppoLossInputs, targetLogProbs, valueLoss, valueLossInputs } from './rl/ppo-loss';
import { TrainingCheckpoint } from './shared/resume';
import { learningRate } from './shared/schedule';

export interface PpoProgress {
  done: number;
  total: number;
  loss?: number;
}

/** A rollout: one completion of one prompt, with what it was rewarded. */
export interface Rollout {
  update: number;
  /** Index of the prompt in the list given. */
  prompt: number;
  sample: number;
  text: string;
  /** The sequence reward: rewardModelWeight x reranker score + executionRewardWeight x execution reward. */
  score: number;
  rerankerScore: number | null;
  executionReward: number | null;
  /** denseReward: the sum of the response's dense rewards (lambda x mean PRM line score); else null. */
  denseReward: number | null;
}

/** What one round of rollouts and updates logged (means over the round's tokens or sequences). */
export interface PpoStepLog {
  update: number;
  /** Mean sequence reward (before the KL penalty and without the dense part). */
  reward: number;
  /** denseReward: the mean per-sequence total of the dense rewards; else null. */
  denseReward: number | null;
  /** denseReward: the dense rewards' share of all reward given, sum |dense| / (sum |dense| + sum |sequence reward|); else null. */
  denseShare: number | null;
  /** Mean per-sequence KL to the reference (sum of k1 over the completion's tokens). */
  kl: number;
  entropy: number;
  clipFraction: number;
  /** PPO only (GRPO has no critic). */
  valueLoss: number | null;
  /** Between the rollout policy and the updated one, averaged over the round's optimizer steps. */
  approxKl: number;
  policyLoss: number;
  klCoef: number;
  completionTokens: number;
  seconds: number;
}

/** Rewards come from outside the trainer: the reranker and, optionally, the sandbox. */
export interface RolloutRewards {
  /** The reranker's score per completion of prompt `prompt`. */
  score?: (items: ReadonlyArray<{ prompt: number; completion: string }>) => Promise<number[]>;
  /** 1 when the completion passes its problem's tests, else 0. */
  execute?: (items: ReadonlyArray<{ prompt: number; completion: string }>) => Promise<number[]>;
  /** The process reward model's score of each line's prefix (one per line of completionLines(completion)): denseReward. */
  lineScores?: (items: ReadonlyArray<{ prompt: number; completion: string }>) => Promise<number[][]>;
}

export interface PpoInit {
  config: TransformerConfig;
  /** The policy to start from (an SFT generator, or a previous PPO policy: its value head is kept when present). */
  tensors: Record<string, HostTensor>;
  /** The frozen reference the KL is measured to (the SFT generator); default: `tensors`. */
  reference?: Record<string, HostTensor>;
  /** The process reward model (a transformer with a 'prm' head): where valueInit 'prm' starts the separate critic. */
  prm?: { config: TransformerConfig; tensors: Record<string, HostTensor> };
  /**
   * Train LoRA adapters on the frozen `tensors` (which are then the reference as well, unless `reference` is given)
   * instead of every weight. `start`: adapters and a value head to begin from (a previous PPO policy's); fresh
   * adapters (B = 0, so the policy starts as the base) and a zero value head without.
   */
  lora?: { rank: number; targets: string[]; start?: Record<string, HostTensor> };
}

/**
 * Specs with LoRA adapters on every target and the value head trainable; the rest frozen and put in the engine
 * once, to be fed by reference (the frozen feeds).
 */
async function loraSpecs(
  engine: Engine,
  cfg: TransformerConfig,
  heads: readonly Head[],
  specs: Record<string, ParamSpec>,
  lora: NonNullable<PpoInit['lora']>,
  seed: number,
  start: Record<string, HostTensor> = {},
): Promise<{ specs: Record<string, ParamSpec>; frozenFeeds: Record<string, Feed>; base: ModelRef }> {
  const frozen = Object.fromEntries(
    Object.entries(specs)
      .filter(([n]) => !n.startsWith('value_head.'))
      .map(([n, s]) => [n, { dtype: 'float32' as const, dims: s.shape, data: s.init }]),
  );
  const out = withLora(specs, lora.targets, lora.rank, seed);
  for (const [n, s] of Object.entries(out)) if (n.startsWith('value_head.')) s.trainable = true;
  for (const [n, t] of Object.entries(start)) {
    const s = out[n];
    if (!s || s.trainable === false) continue;
    if (t.dims.join() !== s.shape.join()) throw new Error(`PPO: starting tensor '${n}' has shape [${t.dims}], the policy's is [${s.shape}] (model.lora changed since the last policy?)`);
    s.init = (t.data as Float32Array).slice();
  }
  const base = await uploadModel(engine, cfg, heads.filter((h) => h !== 'value'), frozen);
  return { specs: out, frozenFeeds: base.feeds, base };
}

export interface PpoResult {
  trainer: Trainer;
  /** The trained policy, weights resident in the engine (value head included for PPO). */
  model: ModelRef;
  heads: Head[];
  /** critic 'separate': the critic's trainer and model (a backbone and a value head); null for a shared critic or GRPO. */
  critic: { trainer: Trainer; model: ModelRef } | null;
  logs: PpoStepLog[];
  rollouts: Rollout[];
  metrics: {
    updates: number;
    steps: number;
    /** Wall time of one round (rollouts, rewards, forward passes and its optimizer steps), mean over rounds. */
    secondsPerRound: number;
    /** The same per optimizer step. */
    secondsPerStep: number;
    finalKl: number;
    firstReward: number | null;
    lastReward: number | null;
  };
}

/** A batch of prompt + completion sequences in the loss's token frame: position t of idx predicts targets[t]. */
interface SequenceBatch {
  idx: number[][];
  targets: number[][];
  /** 1 on the completion's tokens (targets), 0 on the prompt's and on padding. */
  mask: number[][];
}

/** Right-padded so positions start at 0 in every row, as in training. */
export function sequenceBatch(rows: ReadonlyArray<{ prompt: readonly number[]; completion: readonly number[] }>, pad: number): SequenceBatch {
  const T = Math.max(...rows.map((r) => r.prompt.length + r.completion.length)) - 1;
  const out: SequenceBatch = { idx: [], targets: [], mask: [] };
  for (const r of rows) {
    const seq = [...r.prompt, ...r.completion];
    const idx = new Array<number>(T).fill(pad);
    const targets = new Array<number>(T).fill(pad);
    const mask = new Array<number>(T).fill(0);
    for (let t = 0; t + 1 < seq.length; t++) {
      idx[t] = seq[t]!;
      targets[t] = seq[t + 1]!;
      mask[t] = t + 1 >= r.prompt.length ? 1 : 0;
    }
    out.idx.push(idx);
    out.targets.push(targets);
    out.mask.push(mask);
  }
  return out;
}

const flat = (rows: readonly number[][]): number[] => rows.flat();
const share = (part: readonly number[], rest: readonly number[]): number => {
  const p = part.reduce((s, v) => s + Math.abs(v), 0);
  const total = p + rest.reduce((s, v) => s + Math.abs(v), 0);
  return total > 0 ? p / total : 0;
};
const dims = (rows: readonly number[][]): number[] => [rows.length, rows[0]?.length ?? 0];

/** Log-probs of the targets (and values, for a model with a value head) of a batch: a forward pass, no update. */
function statsProgram(cfg: TransformerConfig, shapes: Record<string, number[]>, temperature: number, withValues: boolean): Program {
  const p = Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, param(n, s)]));
  const { hidden } = transformerHidden(cfg, p, input('idx', ['B', 'T'], 'int64'));
  const logp = targetLogProbs(lmLogits(cfg, p, hidden), input('targets', ['B', 'T'], 'int64'), temperature);
  return emitProgram(withValues ? { logp, values: scalarHead(p, 'value', hidden) } : { logp }, { name: withValues ? 'policy_stats' : 'reference_logp' });
}

async function forwardStats(
  engine: Engine,
  program: Program,
  model: Pick<ModelRef, 'feeds'>,
  batch: SequenceBatch,
  chunk: number,
): Promise<{ logp: number[][]; values: number[][] }> {
  const logp: number[][] = [];
  const values: number[][] = [];
  const T = batch.idx[0]!.length;
  const wantValues = program.outputs.some((o) => o.name === 'values');
  for (let i = 0; i < batch.idx.length; i += chunk) {
    const idx = batch.idx.slice(i, i + chunk);
    const targets = batch.targets.slice(i, i + chunk);
    const out = await engine.run(program, {
      feeds: { ...feedsFor(program, model), idx: i64(flat(idx), dims(idx)), targets: i64(flat(targets), dims(targets)) },
      fetch: wantValues ? ['logp', 'values'] : ['logp'],
    });
    const lp = out.logp!.data as Float32Array;
    const v = wantValues ? (out.values!.data as Float32Array) : null;
    for (let b = 0; b < idx.length; b++) {
      logp.push(Array.from(lp.subarray(b * T, (b + 1) * T)));
      values.push(v ? Array.from(v.subarray(b * T, (b + 1) * T)) : new Array<number>(T).fill(0));
    }
  }
  return { logp, values };
}

/**
 * The separate critic's starting weights: under valueInit 'prm' the process reward model's backbone with its prm
 * head as the value head (so its first values are the PRM's scores), else the policy's backbone with the policy's
 * value head when it has one (a zero head otherwise). Other heads are left out.
 */
export function criticInit(
  valueInit: 'none' | 'prm',
  policy: { config: TransformerConfig; tensors: Record<string, HostTensor> },
  prm: { config: TransformerConfig; tensors: Record<string, HostTensor> } | undefined,
): { config: TransformerConfig; tensors: Record<string, HostTensor> } {
  const from = valueInit === 'prm' ? prm : policy;
  if (!from) throw new Error("PPO: valueInit 'prm' needs the process reward model (none was given)");
  if (from.config.vocabSize !== policy.config.vocabSize) {
    throw new Error(`PPO: the critic's vocabulary (${from.config.vocabSize}) is not the policy's (${policy.config.vocabSize}); they read the same tokens`);
  }
  const tensors: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(from.tensors)) {
    if (valueInit === 'prm' && name.startsWith('prm_head.')) tensors[`value_head.${name.slice('prm_head.'.length)}`] = t;
    else if (!/^(lm|reward|value|prm)_head\.|^generator\./.test(name) || (valueInit === 'none' && name.startsWith('value_head.'))) tensors[name] = t;
  }
  if (valueInit === 'prm' && !tensors['value_head.weight']) throw new Error("PPO: the process reward model has no 'prm_head.weight'");
  return { config: from.config, tensors };
}

/** The critic's values of a batch: a forward pass, no update. */
async function forwardValues(engine: Engine, critic: ModelRef, batch: SequenceBatch, chunk: number): Promise<number[][]> {
  const program = tokenHeadProgram(critic, 'value');
  const values: number[][] = [];
  const T = batch.idx[0]!.length;
  for (let i = 0; i < batch.idx.length; i += chunk) {
    const idx = batch.idx.slice(i, i + chunk);
    const out = await engine.run(program, { feeds: { ...feedsFor(program, critic), idx: i64(flat(idx), dims(idx)) }, fetch: ['values'] });
    const v = out.values!.data as Float32Array;
    for (let b = 0; b < idx.length; b++) values.push(Array.from(v.subarray(b * T, (b + 1) * T)));
  }
  return values;
}

/**
 * Where each response's lines end in its row of the batch, for the dense reward: line m of completionLines(text)
 * at the token holding its last character. The tokens are the sample's without its end-of-sequence token; a stop
 * sequence cuts the text inside them, so lines past the text's are dropped and the last line ends at the last token.
 */
function linePositions(tokenizer: TextTokenizer, stopIds: readonly number[], tokens: readonly number[], text: string, promptLength: number, mask: readonly number[]): number[] {
  const lines = completionLines(text).length;
  let n = tokens.length;
  while (n > 0 && stopIds.includes(tokens[n - 1]!)) n--;
  const ends = lineEndTokenIndices(tokenizer, tokens.slice(0, n));
  return lineEndPositions(mask, promptLength, Array.from({ length: lines }, (_, m) => ends[m] ?? Number.MAX_SAFE_INTEGER));
}

/**
 * Optimises the policy on `prompts` (texts as the generator sees them). Each round's rollouts are a function of
 * (seed, round) and the weights, so with `checkpoint` (saved after every round) a killed run resumes to the same
 * weights, logs and rollouts as an uninterrupted one.
 */
export async function trainPpo(
  engine: Engine,
  init: PpoInit,
  tokenizer: TextTokenizer,
  prompts: readonly string[],
  rewards: RolloutRewards,
  configInput: PpoConfigInput | PpoConfig,
  options: { onProgress?: (p: PpoProgress) => void; onLog?: (log: PpoStepLog) => void; checkpoint?: string; stop?: readonly string[]; rowsPerBatch?: number } = {},
): Promise<PpoResult> {
  const config = ppoConfigSchema.parse(configInput);
  const special: SpecialIds = specialIds(tokenizer);
  const cfg = init.config;
  if (prompts.length === 0) throw new Error('PPO: no training prompts');
  const isPpo = config.algorithm === 'ppo';
  const separateCritic = isPpo && config.critic === 'separate';
  const heads: Head[] = isPpo && !separateCritic ? ['lm', 'value'] : ['lm'];
  const chunk = options.rowsPerBatch ?? 32;
  if (config.denseReward && !(rewards.lineScores && rewards.execute)) {
    throw new Error('PPO: denseReward needs line scores from a process reward model and the execution reward (pass or fail chooses lambda)');
  }

  // 0. the policy (value head starting at 0 unless the init has one), the critic when separate, the frozen reference, the loss
  let specs: Record<string, ParamSpec> = transformerParams(cfg, heads, config.seed);
  for (const [name, s] of Object.entries(specs)) {
    const t = init.tensors[name];
    if (t) s.init = (t.data as Float32Array).slice();
    else if (!name.startsWith('value_head.')) throw new Error(`PPO: the initial policy has no tensor '${name}'`);
  }
  let frozenFeeds: Record<string, Feed> = {};
  let frozenBase: ModelRef | null = null;
  if (init.lora) ({ specs, frozenFeeds, base: frozenBase } = await loraSpecs(engine, cfg, heads, specs, init.lora, config.seed, init.lora.start));
  const lossConfig = {
    algorithm: config.algorithm,
    temperature: config.temperature,
    clipRange: config.clipRange,
    clipRangeValue: config.clipRangeValue,
    valueCoef: config.valueCoef,
    entropyCoef: config.entropyCoef,
    klLossCoef: isPpo ? 0 : config.klCoef,
    critic: config.critic,
  };
  const trainer = await Trainer.create(engine, {
    params: specs,
    inputs: ppoLossInputs,
    loss: (p, x) => ppoLoss(cfg, lossConfig, p, x),
    optimizer: { weightDecay: config.weightDecay, clipNorm: config.clipNorm },
    frozenFeeds,
  });
  const shapes = Object.fromEntries(Object.entries(specs).map(([n, s]) => [n, s.shape]));
  const policy = modelOfTrainer(trainer, cfg, heads, shapes, frozenFeeds);
  let critic: { trainer: Trainer; model: ModelRef; inputs: Set<string> } | null = null;
  if (separateCritic) {
    const start = criticInit(config.valueInit, { config: cfg, tensors: init.tensors }, init.prm);
    let criticSpecs = transformerParams(start.config, ['value'], config.seed);
    for (const [name, s] of Object.entries(criticSpecs)) {
      const t = start.tensors[name];
      if (t) s.init = (t.data as Float32Array).slice();
      else if (!name.startsWith('value_head.')) throw new Error(`PPO: the critic's initial weights have no tensor '${name}'`);
    }
    let criticFeeds: Record<string, Feed> = {};
    if (init.lora) ({ specs: criticSpecs, frozenFeeds: criticFeeds } = await loraSpecs(engine, start.config, ['value'], criticSpecs, init.lora, config.seed ^ 0xc1));
    const criticTrainer = await Trainer.create(engine, {
      params: criticSpecs,
      inputs: valueLossInputs,
      loss: (p, x) => valueLoss(start.config, config.clipRangeValue, p, x),
      optimizer: { weightDecay: config.weightDecay, clipNorm: config.clipNorm },
      frozenFeeds: criticFeeds,
    });
    const criticShapes = Object.fromEntries(Object.entries(criticSpecs).map(([n, s]) => [n, s.shape]));
    critic = { trainer: criticTrainer, model: modelOfTrainer(criticTrainer, start.config, ['value'], criticShapes, criticFeeds), inputs: new Set(Object.keys(valueLossInputs)) };
  }
  // A LoRA policy's frozen base is its reference unless another is given: the same resident tensors serve both.
  const sharedReference = frozenBase !== null && init.reference === undefined;
  const referenceTensors = Object.fromEntries(Object.entries(init.reference ?? init.tensors).filter(([n]) => !/^(value|reward|prm)_head\./.test(n)));
  const reference = sharedReference ? frozenBase! : await uploadModel(engine, cfg, ['lm'], referenceTensors);
  const policyStats = statsProgram(cfg, shapes, config.temperature, isPpo && !separateCritic);
  const referenceStats = statsProgram(cfg, reference.shapes, config.temperature, false);
  const trainInputs = new Set(trainer.programs.fused.inputs.map((i) => i.name));

  const stepsPerUpdate = config.epochs * config.miniBatches;
  const schedule = { ...config, steps: Math.max(1, config.updates * stepsPerUpdate) };
  const checkpoint = new TrainingCheckpoint(options.checkpoint, { config: JSON.stringify(cfg), trainer: `ppo-${config.algorithm}` });
  const resumed = await checkpoint.resume(trainer);
  const losses = resumed.losses;
  const meta = resumed.loaded?.metadata ?? {};
  // The critic's state alternates between two files and the policy's checkpoint names the one of its round, so a
  // kill between the two saves leaves the pair of the previous round intact.
  const criticCheckpoints = [0, 1].map((k) => new TrainingCheckpoint(options.checkpoint && `${options.checkpoint}.critic${k}`, { config: JSON.stringify(critic?.model.config ?? null), trainer: 'ppo-critic' }));
  if (critic && meta.criticSlot !== undefined) {
    await criticCheckpoints[Number(meta.criticSlot)]!.resume(critic.trainer);
    if (critic.trainer.stepCount !== trainer.stepCount) throw new Error(`${options.checkpoint}.critic${meta.criticSlot}: the critic is at step ${critic.trainer.stepCount}, the policy at ${trainer.stepCount}`);
  } else if (critic && trainer.stepCount > 0) {
    throw new Error(`${options.checkpoint}: a checkpoint without a critic, but the config asks for critic 'separate'`);
  }
  const logs: PpoStepLog[] = meta.ppoLogs ? (JSON.parse(meta.ppoLogs) as PpoStepLog[]) : [];
  const rollouts: Rollout[] = meta.ppoRollouts ? (JSON.parse(meta.ppoRollouts) as Rollout[]) : [];
  let klCoef = meta.klCoef !== undefined ? Number(meta.klCoef) : config.klCoef;
  if (trainer.stepCount % stepsPerUpdate !== 0) throw new Error(`${options.checkpoint}: step ${trainer.stepCount} is not at the end of a round of ${stepsPerUpdate}`);
  const promptOrder = new EpochOrder(prompts.length, config.seed);
  const encoded = prompts.map((p) => promptTokens(tokenizer, special, p));

  for (let update = trainer.stepCount / stepsPerUpdate; update < config.updates; update++) {
    const started = performance.now();
    // 1. rollouts from the current policy: N samples per prompt, temperature, log-probs kept
    const chosen = promptOrder.batch(update, Math.min(config.promptsPerUpdate, prompts.length));
    const samples = await sampleTokens(engine, policy, tokenizer, special, chosen.map((i) => encoded[i]!), {
      n: config.samplesPerPrompt,
      temperature: config.temperature,
      topP: 1,
      topK: 0,
      maxNewTokens: config.maxNewTokens,
      stop: [...(options.stop ?? [])],
      seed: (config.seed * 1_000_003 + update) >>> 0,
      rowsPerBatch: Math.max(config.samplesPerPrompt, chunk),
    });
    const items = samples.map((s) => ({ prompt: chosen[s.prompt]!, completion: s.text }));

    // 2. sequence rewards: the reranker's score, plus the execution reward when weighted in (always run with the
    //    dense reward, whose lambda depends on pass or fail), and the PRM's line scores for the dense reward
    const rm = rewards.score && config.rewardModelWeight > 0 ? await rewards.score(items) : null;
    const ex = rewards.execute && (config.executionRewardWeight > 0 || config.denseReward) ? await rewards.execute(items) : null;
    const scores = items.map((_, i) => config.rewardModelWeight * (rm?.[i] ?? 0) + config.executionRewardWeight * (ex?.[i] ?? 0));
    const lineScores = config.denseReward && rewards.lineScores ? await rewards.lineScores(items) : null;

    // 3. forward passes: log-probs under the rollout policy and the reference, the critic's values
    const batch = sequenceBatch(
      samples.map((s, i) => ({ prompt: encoded[items[i]!.prompt]!, completion: s.tokens })),
      special.pad,
    );
    const old = await forwardStats(engine, policyStats, policy, batch, chunk);
    if (critic) old.values = await forwardValues(engine, critic.model, batch, chunk);
    const ref = await forwardStats(engine, referenceStats, reference, batch, chunk);
    const kl = klRows(old.logp, ref.logp, batch.mask, 'k1');
    const klPerSequence = kl.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0) / kl.length;

    // 4. advantages and returns: PPO's KL-penalised token rewards and GAE, or GRPO's group-normalised scores
    let advantages: number[][];
    let returns: number[][];
    let denseTotals: number[] | null = null;
    if (isPpo) {
      const tokenKl = config.klEstimator === 'k1' ? kl : klRows(old.logp, ref.logp, batch.mask, config.klEstimator);
      let r = tokenRewards(tokenKl, batch.mask, scores, klCoef);
      if (lineScores) {
        const rows = samples.map((s, i) => ({
          positions: linePositions(tokenizer, special.stop, s.tokens, s.text, encoded[items[i]!.prompt]!.length, batch.mask[i]!),
          scores: lineScores[i]!,
          lambda: denseLambda(ex![i] === 1, config),
        }));
        ({ rewards: r, denseTotals } = withDenseRewards(r, rows));
      }
      const g = gae(r, old.values, batch.mask, config.gamma, config.lambda);
      returns = g.returns;
      advantages = whiten(g.advantages, batch.mask);
    } else {
      const a = groupAdvantages(scores, samples.map((s) => s.prompt));
      advantages = batch.mask.map((row, b) => row.map((m) => (m ? a[b]! : 0)));
      returns = batch.mask.map((row) => row.map(() => 0));
    }

    // 5. epochs of shuffled mini-batches, each one optimizer step of the clipped objective
    const rng = new Rng([config.seed >>> 0, update >>> 0, 0x9e3779b9, 7]);
    const stepMetrics: Record<string, number>[] = [];
    const per = Math.ceil(samples.length / config.miniBatches);
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const perm = Array.from({ length: samples.length }, (_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      for (let m = 0; m < config.miniBatches; m++) {
        const rows = perm.slice(m * per, (m + 1) * per);
        if (rows.length === 0) continue;
        const pick = (x: number[][]): number[][] => rows.map((r) => x[r]!);
        const tensors: Record<string, HostTensor> = {
          idx: i64(flat(pick(batch.idx)), dims(pick(batch.idx))),
          targets: i64(flat(pick(batch.targets)), dims(pick(batch.idx))),
          mask: f32(flat(pick(batch.mask)), dims(pick(batch.idx))),
          oldLogp: f32(flat(pick(old.logp)), dims(pick(batch.idx))),
          refLogp: f32(flat(pick(ref.logp)), dims(pick(batch.idx))),
          advantages: f32(flat(pick(advantages)), dims(pick(batch.idx))),
          returns: f32(flat(pick(returns)), dims(pick(batch.idx))),
          oldValues: f32(flat(pick(old.values)), dims(pick(batch.idx))),
        };
        const feeds = Object.fromEntries(Object.entries(tensors).filter(([k]) => trainInputs.has(k)));
        const lr = learningRate(trainer.stepCount, schedule);
        const step = await trainer.trainStep(feeds, lr);
        losses.push(step.loss);
        if (critic) {
          const criticStep = await critic.trainer.trainStep(Object.fromEntries(Object.entries(tensors).filter(([k]) => critic.inputs.has(k))), lr);
          stepMetrics.push({ ...step.metrics, valueLoss: criticStep.metrics.valueLoss ?? criticStep.loss });
        } else stepMetrics.push(step.metrics);
      }
    }

    // 6. the round's log; the adaptive controller moves beta toward the target KL
    const mean = (k: string): number => stepMetrics.reduce((s, m) => s + (m[k] ?? 0), 0) / Math.max(1, stepMetrics.length);
    const log: PpoStepLog = {
      update,
      reward: scores.reduce((a, b) => a + b, 0) / scores.length,
      denseReward: denseTotals ? denseTotals.reduce((a, b) => a + b, 0) / denseTotals.length : null,
      denseShare: denseTotals ? share(denseTotals, scores) : null,
      kl: klPerSequence,
      entropy: mean('entropy'),
      clipFraction: mean('clipFraction'),
      valueLoss: isPpo ? mean('valueLoss') : null,
      approxKl: mean('approxKl'),
      policyLoss: mean('policyLoss'),
      klCoef,
      completionTokens: batch.mask.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0) / batch.mask.length,
      seconds: (performance.now() - started) / 1000,
    };
    logs.push(log);
    rollouts.push(...items.map((it, i) => ({ update, prompt: it.prompt, sample: samples[i]!.sample, text: it.completion, score: scores[i]!, rerankerScore: rm?.[i] ?? null, executionReward: ex?.[i] ?? null, denseReward: denseTotals?.[i] ?? null })));
    klCoef = nextKlCoef(klCoef, klPerSequence, { adaptive: config.adaptiveKl, target: config.klTarget, horizon: config.klHorizon, n: samples.length });

    // 7. checkpoint: weights, moments, beta, logs and rollouts (the critic's first, in its slot), so a killed run resumes after this round
    const slot = update % 2;
    if (critic) await criticCheckpoints[slot]!.save(critic.trainer, []);
    await checkpoint.save(trainer, losses, { klCoef: String(klCoef), ppoLogs: JSON.stringify(logs), ppoRollouts: JSON.stringify(rollouts), ...(critic ? { criticSlot: String(slot) } : {}) });
    options.onLog?.(log);
    options.onProgress?.({ done: update + 1, total: config.updates, loss: log.policyLoss });
  }
  if (config.updates === 0) {
    if (critic) await criticCheckpoints[0]!.save(critic.trainer, []);
    await checkpoint.save(trainer, losses, { klCoef: String(klCoef), ppoLogs: '[]', ppoRollouts: '[]', ...(critic ? { criticSlot: '0' } : {}) });
  }
  if (!sharedReference) await engine.drop(Object.values(reference.feeds).flatMap((f: Feed) => ('resident' in f ? [f.resident] : [])));

  const secondsPerRound = logs.length ? logs.reduce((s, l) => s + l.seconds, 0) / logs.length : 0;
  return {
    trainer,
    model: policy,
    heads,
    critic: critic ? { trainer: critic.trainer, model: critic.model } : null,
    logs,
    rollouts,
    metrics: {
      updates: config.updates,
      steps: trainer.stepCount,
      secondsPerRound,
      secondsPerStep: secondsPerRound / stepsPerUpdate,
      finalKl: logs.at(-1)?.kl ?? 0,
      firstReward: logs[0]?.reward ?? null,
      lastReward: logs.at(-1)?.reward ?? null,
    },
  };
}
