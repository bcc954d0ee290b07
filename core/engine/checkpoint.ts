/**
 * Training checkpoints as safetensors: trainable parameters under their names, AdamW moments as `m.<name>` and
 * `v.<name>`, and in the metadata the step count and the data generator's state, so a resumed run draws the
 * same batches and reproduces the same losses.
 */
import type { Rng } from './rng';
import { readSafetensors, writeSafetensors } from './safetensors';
import type { Trainer, TrainerState } from './trainer';

export const checkpointFormat = 'rewardranker-engine-checkpoint/1';

export async function saveCheckpoint(file: string, trainer: Trainer, rng?: Rng, extra: Record<string, string> = {}): Promise<void> {
  const state = await trainer.state();
  writeSafetensors(file, state.tensors, {
    ...extra,
    format: checkpointFormat,
    step: String(state.step),
    ...(rng ? { rng: JSON.stringify(rng.state()) } : {}),
  });
}

export interface LoadedCheckpoint {
  state: TrainerState;
  rngState: number[] | null;
  metadata: Record<string, string>;
}

export function readCheckpoint(file: string): LoadedCheckpoint {
  const { tensors, metadata } = readSafetensors(file);
  if (metadata.format !== checkpointFormat) {
    throw new Error(`${file}: not a training checkpoint (metadata format is ${JSON.stringify(metadata.format ?? null)})`);
  }
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new Error(`${file}: metadata 'step' is ${JSON.stringify(metadata.step)}, not a step count`);
  let rngState: number[] | null = null;
  if (metadata.rng !== undefined) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(metadata.rng);
    } catch {
      // reported below
    }
    if (!Array.isArray(parsed) || parsed.length !== 4 || parsed.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new Error(`${file}: metadata 'rng' is not four 32-bit words`);
    }
    rngState = parsed as number[];
  }
  return { state: { step, tensors }, rngState, metadata };
}

/** Restores a trainer from a checkpoint file; a tensor missing or of the wrong shape names the file and tensor. */
export async function loadCheckpoint(file: string, trainer: Trainer): Promise<LoadedCheckpoint> {
  const loaded = readCheckpoint(file);
  await trainer.restore(loaded.state, file);
  return loaded;
}

/** The per-step losses a trainer stored in a checkpoint's metadata (`losses`), or none when it stored none. */
export function restoredLosses(loaded: LoadedCheckpoint): number[] {
  const raw = loaded.metadata.losses;
  if (raw === undefined) return [];
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) && parsed.every((x) => typeof x === 'number') ? parsed : [];
}
