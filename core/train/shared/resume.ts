/**
 * Checkpoint and resume for the step-based trainers: the trainer's state (weights, AdamW moments, step) plus the
 * loss history and whatever else the trainer needs to continue exactly (`extra`, strings in the metadata).
 * A run that finds its checkpoint resumes from it and reports what the uninterrupted run would have.
 */
import { existsSync } from 'node:fs';
import { type LoadedCheckpoint, loadCheckpoint, readCheckpoint, restoredLosses, saveCheckpoint } from '../../engine/checkpoint';
import type { Trainer } from '../../engine/trainer';

export class TrainingCheckpoint {
  constructor(
    /** No file: nothing is saved and nothing resumed. */
    private readonly file: string | undefined,
    /** Written into every save: the model config (JSON) and which trainer wrote it. */
    private readonly meta: { config: string; trainer: string },
  ) {}

  /**
   * Restores `trainer` when the file exists; returns the loss history stored with it (empty when starting fresh)
   * and the checkpoint's metadata, or null.
   */
  async resume(trainer: Trainer): Promise<{ losses: number[]; loaded: LoadedCheckpoint | null }> {
    if (!this.file || !existsSync(this.file)) return { losses: [], loaded: null };
    const loaded = await loadCheckpoint(this.file, trainer);
    if (loaded.metadata.trainer !== undefined && loaded.metadata.trainer !== this.meta.trainer) {
      throw new Error(`${this.file}: a '${loaded.metadata.trainer}' checkpoint, not '${this.meta.trainer}'`);
    }
    return { losses: restoredLosses(loaded), loaded };
  }

  async save(trainer: Trainer, losses: readonly number[], extra: Record<string, string> = {}): Promise<void> {
    if (!this.file) return;
    await saveCheckpoint(this.file, trainer, undefined, { ...extra, ...this.meta, losses: JSON.stringify(losses) });
  }

  /** Saves every `every` steps (0: never here, only the final save). */
  async maybeSave(trainer: Trainer, losses: readonly number[], every: number, extra: Record<string, string> = {}): Promise<void> {
    if (every > 0 && trainer.stepCount % every === 0) await this.save(trainer, losses, extra);
  }
}

/** A saved checkpoint's metadata, read before a trainer exists (e.g. a setting fitted before its first step); null: none saved. */
export function savedMetadata(file: string | undefined): Record<string, string> | null {
  return file && existsSync(file) ? readCheckpoint(file).metadata : null;
}

export interface Progress {
  done: number;
  total: number;
  loss?: number;
}
