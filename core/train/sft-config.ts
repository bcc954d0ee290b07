import { z } from 'zod';

/** Supervised fine-tuning of the generator on prompt -> reference solution (TRL's SFTConfig, trimmed to what we use). */
export const sftConfigSchema = z
  .object({
    steps: z.number().int().positive().default(255).describe('optimizer steps (the budget is fixed in steps, never in time)'),
    batchSize: z.number().int().positive().default(64).describe('sequences per step'),
    microBatches: z.number().int().positive().default(1).describe('split each batch into this many micro-batches (gradient accumulation)'),
    lr: z.number().positive().default(2e-3).describe('peak learning rate'),
    minLr: z.number().nonnegative().default(2e-4).describe('learning rate at the end of the cosine decay'),
    warmupSteps: z.number().int().nonnegative().default(10).describe('linear warm-up steps'),
    weightDecay: z.number().nonnegative().default(0.1).describe('AdamW weight decay (matrices only)'),
    clipNorm: z.number().positive().default(1).describe('clip the global gradient norm to this'),
    seed: z.number().int().nonnegative().default(0).describe('data order (and initial weights of a from-scratch model)'),
    maxLength: z.number().int().positive().default(256).describe('longest training sequence in tokens; longer examples are cut'),
    checkpointEvery: z.number().int().nonnegative().default(0).describe('steps between checkpoints (0: only at the end, when a file is given)'),
  })
  .strict();

export type SftConfig = z.output<typeof sftConfigSchema>;
export type SftConfigInput = z.input<typeof sftConfigSchema>;
