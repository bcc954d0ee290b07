/**
 * The process reward model (PRM): a transformer whose `prm` head gives a value per position, read at the last token
 * of each line of the completion and regressed (MSE, the paper's objective) to the line's label: +1 the program can
 * still be completed into a passing one after this line, -1 it cannot. Lines labelled 0 (blank and comment lines)
 * stay targets of 0: the PRM then learns to say nothing for them, which is what keeps PPO's dense reward from paying
 * for comments (the paper's reward-gaming case); left out, the head's value there would be whatever the line before
 * says. Held-out figure: line-label accuracy, the share of non-zero labels whose sign the PRM's score matches.
 */
import type { Engine } from '../engine/engine';
import type { Feed, HostTensor } from '../engine/protocol';
import type { ParamSpec, Trainer } from '../engine/trainer';
import { type ModelRef, feedsFor, tokenHeadProgram } from '../models/programs';
import { promptTokens } from '../models/sampling';
import { type SpecialIds, type TextTokenizer, specialIds } from '../models/tokenizers';
import { type Head, type TransformerConfig, prmLoss, prmLossInputs, transformerParams } from '../models/transformer';
import { EpochOrder, f32, padRight } from './batches';
import { type PrmConfig, type PrmConfigInput, prmConfigSchema } from './prm-config';
import { completionLines, lineEndTokenIndices } from './prm/line-ends';
import { tailMean } from './shared/loss-tail';
import { loraOnFrozenBase } from './shared/lora-base';
import type { Progress } from './shared/resume';
import { runSteps, startTraining, trainedModel } from './shared/step-loop';

export type { Progress } from './shared/resume';

export const prmHeads: readonly Head[] = ['prm'];

/** A labelled candidate: the problem's prompt, the completion, one label per line of completionLines(completion). */
export interface PrmExample {
  prompt: string;
  completion: string;
  labels: readonly number[];
}

/**
 * The PRM's input, bos + prompt + completion cut to maxLength, and each line's end position in it (null for a line
 * the cut removed). The prompt and the completion are encoded apart, as the reranker does, so the completion's
 * tokens, and with them its line ends, do not depend on the prompt.
 */
export function prmTokens(tokenizer: TextTokenizer, special: SpecialIds, item: { prompt: string; completion: string }, maxLength: number): { tokens: number[]; lineEnds: (number | null)[] } {
  const prompt = promptTokens(tokenizer, special, item.prompt);
  const completion = tokenizer.encode(item.completion);
  const tokens = [...prompt, ...completion].slice(0, maxLength);
  const lineEnds = lineEndTokenIndices(tokenizer, completion).map((i) => (prompt.length + i < tokens.length ? prompt.length + i : null));
  return { tokens, lineEnds };
}

/** Per-line PRM scores of each (prompt, completion): one number per line of completionLines(completion). */
export async function lineScores(
  engine: Engine,
  prm: ModelRef,
  tokenizer: TextTokenizer,
  items: ReadonlyArray<{ prompt: string; completion: string }>,
  options: { batchSize?: number; maxLength?: number; onProgress?: (p: Progress) => void } = {},
): Promise<number[][]> {
  const special = specialIds(tokenizer);
  const maxLength = Math.min(options.maxLength ?? prm.config.maxSeqLen, prm.config.maxSeqLen);
  const batchSize = options.batchSize ?? 32;
  const rows = items.map((item) => prmTokens(tokenizer, special, item, maxLength));
  // Similar lengths together keep padding small; a line-less completion still gets its (empty) row of scores.
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.tokens.length - rows[b]!.tokens.length || a - b);
  const scores: number[][] = items.map(() => []);
  const program = tokenHeadProgram(prm, 'prm');
  for (let i = 0; i < order.length; i += batchSize) {
    const chunk = order.slice(i, i + batchSize);
    const { ids } = padRight(chunk.map((j) => rows[j]!.tokens), special.pad);
    const T = ids.dims[1]!;
    const out = await engine.run(program, { feeds: { ...feedsFor(program, prm), idx: ids }, fetch: ['values'] });
    const values = out.values!.data as Float32Array;
    chunk.forEach((j, b) => {
      const { tokens, lineEnds } = rows[j]!;
      // A line the length cut removed gets the score of the last token the PRM saw.
      scores[j] = lineEnds.map((end) => values[b * T + (end ?? tokens.length - 1)]!);
    });
    options.onProgress?.({ done: Math.min(i + batchSize, order.length), total: order.length });
  }
  return scores;
}

/** Share of non-zero labels whose sign the score matches (a score of exactly 0 matches none); null without any. */
export function lineLabelAccuracy(labels: ReadonlyArray<readonly number[]>, scores: ReadonlyArray<readonly number[]>): number | null {
  let right = 0;
  let counted = 0;
  labels.forEach((row, i) =>
    row.forEach((label, l) => {
      if (label === 0) return;
      counted++;
      if (Math.sign(scores[i]![l]!) === Math.sign(label)) right++;
    }),
  );
  return counted === 0 ? null : right / counted;
}

export interface PrmModelInit {
  config: TransformerConfig;
  /** The generator's weights to start from (config.init 'generator'); the PRM head starts at 0. */
  tensors?: Record<string, HostTensor>;
  /**
   * Train low-rank adapters on the frozen `tensors` (and the PRM head in full) instead of every weight, as the
   * reward trainer's LoRA mode does. `start`: adapters to begin from (the SFT generator's, so a PRM on a Hugging Face
   * base starts as the SFT generator while its checkpoint stays adapters on that base); fresh ones (B = 0) without.
   */
  lora?: { rank: number; targets: string[]; start?: Record<string, HostTensor> };
}

export interface PrmMetrics {
  steps: number;
  examples: number;
  /** Line-end targets in the training set (0 labels included). */
  lines: number;
  /** Mean loss over the last 10% of steps. */
  trainLoss: number;
  losses: number[];
  seconds: number;
  heldoutExamples: number;
  /** Sign agreement on the held-out candidates' non-zero labels; null without any. */
  heldoutLineAccuracy: number | null;
}

export interface PrmResult {
  trainer: Trainer;
  model: ModelRef;
  specs: Record<string, ParamSpec>;
  metrics: PrmMetrics;
  /** Held-out candidates' per-line scores, in the order given. */
  heldoutScores: number[][];
}

/** idx (B, T), labels and lineMask (B, T): the label at each kept line end, 1 in the mask there. */
function prmBatch(rows: ReadonlyArray<{ tokens: number[]; lineEnds: (number | null)[]; labels: readonly number[] }>, pad: number): Record<string, HostTensor> {
  const { ids } = padRight(rows.map((r) => r.tokens), pad);
  const T = ids.dims[1]!;
  const labels = new Float32Array(rows.length * T);
  const mask = new Float32Array(rows.length * T);
  rows.forEach((r, b) =>
    r.lineEnds.forEach((end, l) => {
      // Lines sharing an end token (an empty line whose '\n' a byte-level token merged): the later label wins.
      if (end === null) return;
      labels[b * T + end] = r.labels[l]!;
      mask[b * T + end] = 1;
    }),
  );
  return { idx: ids, labels: f32(labels, [rows.length, T]), lineMask: f32(mask, [rows.length, T]) };
}

/**
 * Trains the PRM on labelled candidates. Deterministic given config.seed; `checkpoint`: the trainer's state, saved
 * every config.checkpointEvery steps and at the end, resumed when it exists (batches are a function of the step).
 */
export async function trainPrm(
  engine: Engine,
  init: PrmModelInit,
  tokenizer: TextTokenizer,
  examples: readonly PrmExample[],
  configInput: PrmConfigInput | PrmConfig,
  options: { onProgress?: (p: Progress) => void; checkpoint?: string; heldout?: readonly PrmExample[] } = {},
): Promise<PrmResult> {
  const config = prmConfigSchema.parse(configInput);
  const special = specialIds(tokenizer);
  const cfg = init.config;
  if (examples.length === 0) throw new Error('PRM: no labelled candidates to learn from');
  const maxLength = Math.min(config.maxLength, cfg.maxSeqLen);

  // 1. tokenize; every example's labels must match its lines
  const rows = examples.map((e, i) => {
    const lines = completionLines(e.completion).length;
    if (e.labels.length !== lines) throw new Error(`PRM: example ${i} has ${e.labels.length} labels for ${lines} lines`);
    return { ...prmTokens(tokenizer, special, e, maxLength), labels: e.labels };
  });

  // 2. the model: the generator's backbone and a new PRM head at 0, or fresh weights of the same shape; with LoRA
  // the backbone is always the given base (fed by reference) and only the adapters and the head train
  if (init.lora && init.tensors === undefined) throw new Error('PRM: LoRA training needs the base weights to put adapters on');
  const fromWeights = init.tensors !== undefined && (config.init === 'generator' || init.lora !== undefined);
  let specs = transformerParams(cfg, prmHeads, config.seed, !fromWeights);
  if (fromWeights) {
    for (const [name, s] of Object.entries(specs)) {
      const t = init.tensors![name];
      s.init = t ? (t.data as Float32Array).slice() : new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    }
  }
  let frozenFeeds: Record<string, Feed> = {};
  if (init.lora) {
    ({ specs, frozenFeeds } = await loraOnFrozenBase(engine, cfg, prmHeads, specs, { rank: init.lora.rank, targets: init.lora.targets, seed: config.seed, head: 'prm_head.' }));
    if (config.init === 'generator') {
      for (const [n, t] of Object.entries(init.lora.start ?? {})) {
        const s = specs[n];
        if (!s || s.trainable === false) continue;
        if (t.dims.join() !== s.shape.join()) throw new Error(`PRM: starting adapter '${n}' has shape [${t.dims}], the PRM's is [${s.shape}] (set prm.init to 'scratch' or match model.lora)`);
        s.init = (t.data as Float32Array).slice();
      }
    }
  }
  const run = await startTraining(engine, { params: specs, inputs: prmLossInputs, loss: (p, x) => prmLoss(cfg, p, x), frozenFeeds }, config, {
    file: options.checkpoint,
    model: cfg,
    trainer: 'prm',
  });

  // 3. regress the head at line ends to the labels
  const order = new EpochOrder(rows.length, config.seed);
  const size = Math.min(config.batchSize, rows.length);
  const seconds = await runSteps(run, config, (step) => prmBatch(order.batch(step, size).map((i) => rows[i]!), special.pad), { onProgress: options.onProgress });
  const { trainer, losses } = run;
  const model = trainedModel(trainer, cfg, prmHeads, specs, frozenFeeds);

  // 4. held-out line-label accuracy
  const heldout = options.heldout ?? [];
  const heldoutScores = heldout.length ? await lineScores(engine, model, tokenizer, heldout, { maxLength }) : [];
  return {
    trainer,
    model,
    specs,
    heldoutScores,
    metrics: {
      steps: config.steps,
      examples: rows.length,
      lines: rows.reduce((n, r) => n + r.lineEnds.filter((e) => e !== null).length, 0),
      trainLoss: tailMean(losses),
      losses,
      seconds,
      heldoutExamples: heldout.length,
      heldoutLineAccuracy: lineLabelAccuracy(
        heldout.map((h) => h.labels),
        heldoutScores,
      ),
    },
  };
}
