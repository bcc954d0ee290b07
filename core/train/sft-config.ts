import { z } from 'zod';
import { optimizerFields } from './shared/optimizer-config';

/** Supervised fine-tuning of the generator on prompt -> reference solution (TRL's SFTConfig, trimmed to what we use). */
export const sftConfigSchema = z
  .object({
    steps: z.number().int().positive().default(255).describe('optimizer steps (the budget is fixed in steps, never in time)'),
    batchSize: z.number().int().positive().default(64).describe('sequences per step'),
    microBatches: z.number().int().positive().default(1).describe('split each batch into this many micro-batches (gradient accumulation)'),
    ...optimizerFields({ lr: 2e-3, minLr: 2e-4 }),
    seed: z.number().int().nonnegative().default(0).describe('data order (and initial weights of a from-scratch model)'),
    maxLength: z.number().int().positive().default(256).describe('longest training sequence in tokens; longer examples are cut'),
    checkpointEvery: z.number().int().nonnegative().default(0).describe('steps between checkpoints (0: only at the end, when a file is given)'),
  })
  .strict();

export type SftConfig = z.output<typeof sftConfigSchema>;
export type SftConfigInput = z.input<typeof sftConfigSchema>;
