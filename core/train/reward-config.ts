import { z } from 'zod';
import { optimizerFields } from './shared/optimizer-config';

/** The reward model (reranker) trainer: Bradley-Terry over (problem, passing, failing) pairs (TRL's RewardConfig, plus hard negatives). */
export const rewardConfigSchema = z
  .object({
    steps: z.number().int().positive().default(250).describe('optimizer steps (fixed in steps, never in time)'),
    batchPairs: z.number().int().positive().default(32).describe('pairs per step (each pair is two sequences)'),
    ...optimizerFields({ lr: 5e-4, minLr: 5e-5 }),
    seed: z.number().int().nonnegative().default(0).describe('pair sampling and data order'),
    maxLength: z.number().int().positive().default(256).describe('longest sequence (prompt + completion) in tokens; longer ones are cut'),
    hardNegativeWeight: z.number().min(1).default(2).describe('loss weight of pairs whose failing candidate is a mined hard negative (1: no up-weighting)'),
    margin: z.number().nonnegative().default(0).describe('Bradley-Terry margin: the passing candidate must win by this much (loss -log sigmoid(r+ - r- - margin))'),
    centerRewardsCoefficient: z
      .number()
      .nonnegative()
      .default(0.01)
      .describe("TRL's center_rewards_coefficient: adds c * mean((r+ + r-)^2) so rewards stay centred on zero (0: off)"),
    maxPairsPerProblem: z.number().int().positive().default(16).describe('pairs drawn per problem at most, so problems with many candidates do not dominate'),
    fitLogProbScale: z
      .boolean()
      .default(true)
      .describe("before training, fit the weight of the reranker's log-prob term (reranker.rewardLogProbWeight > 0) by Bradley-Terry on the log-prob alone, so the head learns only what the likelihood misses"),
    validationShare: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.1)
      .describe("share of the training problems whose pairs are kept out of training to choose the step whose weights are kept (the best-ordered; step 0 is the log-prob term alone); 0: train on all and keep the last step"),
    validateEvery: z.number().int().positive().default(25).describe('steps between two scorings of the validation pairs (each costs a forward pass over their candidates)'),
    init: z
      .enum(['generator', 'scratch'])
      .default('generator')
      .describe('start the reranker from the SFT generator (its backbone, a new reward head) or from fresh weights'),
  })
  .strict();

export type RewardConfig = z.output<typeof rewardConfigSchema>;
export type RewardConfigInput = z.input<typeof rewardConfigSchema>;
