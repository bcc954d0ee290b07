/**
 * The step loop the step-based trainers (SFT, reward, PRM) share: create the trainer, resume it from its checkpoint,
 * take the optimizer steps left under the warm-up-cosine schedule (saving every checkpointEvery steps and at the
 * end), and hand back the trained model. What each trainer feeds a step stays in the trainer.
 */
import type { Engine } from '../../engine/engine';
import type { Feed, HostTensor } from '../../engine/protocol';
import { type ParamSpec, type TrainSpec, Trainer } from '../../engine/trainer';
import { type ModelRef, modelOfTrainer } from '../../models/programs';
import type { Head, TransformerConfig } from '../../models/transformer';
import type { Schedule } from './optimizer-config';
import { type Progress, TrainingCheckpoint } from './resume';
import { learningRate } from './schedule';

export interface StepRun {
  trainer: Trainer;
  checkpoint: TrainingCheckpoint;
  /** Every step's loss so far, the resumed ones included. */
  losses: number[];
}

/** A trainer for `spec` with the config's AdamW settings, restored from `checkpoint.file` when that exists. */
export async function startTraining(
  engine: Engine,
  spec: Omit<TrainSpec, 'optimizer'>,
  config: { weightDecay: number; clipNorm: number },
  checkpoint: { file: string | undefined; model: TransformerConfig; trainer: string },
): Promise<StepRun> {
  const trainer = await Trainer.create(engine, { ...spec, optimizer: { weightDecay: config.weightDecay, clipNorm: config.clipNorm } });
  const saved = new TrainingCheckpoint(checkpoint.file, { config: JSON.stringify(checkpoint.model), trainer: checkpoint.trainer });
  const { losses } = await saved.resume(trainer);
  return { trainer, checkpoint: saved, losses };
}

export interface StepHooks {
  onProgress?: (p: Progress) => void;
  /** After each step and its progress report (e.g. scoring a validation set). */
  afterStep?: (step: number) => Promise<void>;
  /** Before the final save: may put other weights in place and returns extra metadata for the checkpoint. */
  beforeSave?: () => Promise<Record<string, string>>;
}

/**
 * Takes the steps from the trainer's step count up to config.steps, each on `batch(step)` (a batch, or its
 * micro-batches), and saves at the end; returns the seconds it took. Batches must be a function of the step, so a
 * resumed run reproduces the uninterrupted one.
 */
export async function runSteps(
  run: StepRun,
  config: Schedule & { checkpointEvery?: number },
  batch: (step: number) => Record<string, HostTensor> | Record<string, HostTensor>[],
  hooks: StepHooks = {},
): Promise<number> {
  const { trainer, checkpoint, losses } = run;
  const started = performance.now();
  for (let step = trainer.stepCount; step < config.steps; step++) {
    const { loss } = await trainer.trainStep(batch(step), learningRate(step, config));
    losses.push(loss);
    await checkpoint.maybeSave(trainer, losses, config.checkpointEvery ?? 0);
    hooks.onProgress?.({ done: step + 1, total: config.steps, loss });
    await hooks.afterStep?.(step);
  }
  await checkpoint.save(trainer, losses, (await hooks.beforeSave?.()) ?? {});
  return (performance.now() - started) / 1000;
}

/** The trained model, its weights resident in the engine (the trainer's, plus the frozen base fed by reference). */
export function trainedModel(trainer: Trainer, cfg: TransformerConfig, heads: readonly Head[], specs: Record<string, ParamSpec>, frozenFeeds: Record<string, Feed>): ModelRef {
  return modelOfTrainer(trainer, cfg, heads, Object.fromEntries(Object.entries(specs).map(([n, s]) => [n, s.shape])), frozenFeeds);
}
