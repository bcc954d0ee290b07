import { z } from 'zod';

/**
 * The optimizer and learning-rate fields every trainer's config shares (AdamW, linear warm-up then cosine decay);
 * each trainer picks its own defaults, the meaning and help text stay one.
 */
export function optimizerFields(d: { lr: number; minLr: number; warmupSteps?: number }) {
  return {
    lr: z.number().positive().default(d.lr).describe('peak learning rate'),
    minLr: z.number().nonnegative().default(d.minLr).describe('learning rate at the end of the cosine decay'),
    warmupSteps: z.number().int().nonnegative().default(d.warmupSteps ?? 10).describe('linear warm-up steps'),
    weightDecay: z.number().nonnegative().default(0.1).describe('AdamW weight decay (matrices only)'),
    clipNorm: z.number().positive().default(1).describe('clip the global gradient norm to this'),
  };
}

export interface Schedule {
  lr: number;
  minLr: number;
  warmupSteps: number;
  /** Optimizer steps in the whole run: the cosine reaches minLr there. */
  steps: number;
}
