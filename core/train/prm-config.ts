import { z } from 'zod';
import { optimizerFields } from './shared/optimizer-config';

/**
 * Process supervision (arXiv 2410.17621; ../shared/RL.md "Process supervision"): line labels by completing
 * prefixes with the policy, and a process reward model (PRM) regressed to them at each line's last token. Off by
 * default: labelling costs sandbox executions (K per prefix check, about log2 of the lines per failing candidate).
 */
export const prmConfigSchema = z
  .object({
    enabled: z.boolean().default(false).describe('label lines and train a PRM each iteration (the label-lines and train-prm stages)'),
    // Labelling
    k: z.number().int().positive().default(4).describe('completions sampled per prefix check; the prefix is recoverable when one passes (the paper: 20)'),
    temperature: z.number().positive().default(1).describe('sampling temperature of the prefix completions'),
    maxNewTokens: z.number().int().positive().nullable().default(null).describe("tokens a prefix completion may add; null: sampling.maxNewTokens"),
    executionBudget: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe('sandbox executions labelling may spend per iteration; no candidate is started that could overrun it'),
    maxCandidates: z.number().int().nonnegative().default(64).describe("training problems' candidates labelled per iteration at most (a seeded draw)"),
    heldoutCandidates: z
      .number()
      .int()
      .nonnegative()
      .default(16)
      .describe("held-out problems' candidates labelled per iteration (labelled first): the PRM's held-out line-label accuracy"),
    chunkCandidates: z
      .number()
      .int()
      .positive()
      .default(8)
      .describe('candidates labelled together (one sampling batch and one sandbox batch per search round) and stored in one transaction'),
    trainOn: z
      .enum(['recoverable-and-passing', 'recoverable', 'all'])
      .default('recoverable-and-passing')
      .describe(
        "which labelled candidates the PRM learns from: the paper's best data (failing ones whose prefix recovers from line 1 on at least, plus passing ones), only the failing ones with a recoverable prefix, or every labelled one",
      ),
    // The PRM
    steps: z.number().int().positive().default(120).describe('optimizer steps (fixed in steps, never in time)'),
    batchSize: z.number().int().positive().default(16).describe('sequences per step'),
    ...optimizerFields({ lr: 5e-4, minLr: 5e-5 }),
    seed: z.number().int().nonnegative().default(0).describe('data order (and initial weights from scratch)'),
    maxLength: z.number().int().positive().default(256).describe('longest sequence (prompt + completion) in tokens; lines past it get no target'),
    checkpointEvery: z.number().int().nonnegative().default(25).describe('steps between trainer checkpoints, so a killed train-prm resumes mid-way (0: only at the end)'),
    init: z
      .enum(['generator', 'scratch'])
      .default('generator')
      .describe("start the PRM from the SFT generator (its backbone, a new PRM head at 0) or from fresh weights of the same shape; on a checkpoint's LoRA run, the SFT generator's adapters or fresh ones, on the checkpoint's weights either way"),
  })
  .strict();

export type PrmConfig = z.output<typeof prmConfigSchema>;
export type PrmConfigInput = z.input<typeof prmConfigSchema>;
