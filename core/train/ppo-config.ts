import { z } from 'zod';
import { optimizerFields } from './shared/optimizer-config';

/**
 * Policy optimisation of the generator against the reranker: PPO (TRL's PPOConfig, with OpenRLHF's reward
 * placement) or GRPO (critic-free, group-normalised advantages). Defaults from ../shared/RL.md where a reference
 * implementation gives one; the budget fields are sized for a small model on two CPU cores.
 */
export const ppoConfigSchema = z
  .object({
    algorithm: z.enum(['ppo', 'grpo']).default('ppo').describe("'ppo': critic (value head) + GAE, KL in the reward; 'grpo': group-normalised advantages, no critic, k3 KL in the loss"),
    updates: z.number().int().nonnegative().default(6).describe('rollout-then-optimise rounds (0: skip policy optimisation)'),
    promptsPerUpdate: z.number().int().positive().default(16).describe('training prompts drawn per round'),
    samplesPerPrompt: z.number().int().positive().default(4).describe("completions sampled per prompt (GRPO's group size G)"),
    temperature: z.number().positive().default(0.7).describe('sampling temperature of the rollouts (log-probs are taken under the same temperature)'),
    maxNewTokens: z.number().int().positive().default(96).describe('tokens generated at most per rollout'),
    epochs: z.number().int().positive().default(4).describe('passes over each round\'s rollouts, mini-batches reshuffled each time'),
    miniBatches: z.number().int().positive().default(2).describe('mini-batches per epoch (one optimizer step each)'),
    ...optimizerFields({ lr: 1e-5, minLr: 1e-5, warmupSteps: 0 }),
    clipRange: z.number().positive().default(0.2).describe('policy ratio clip epsilon'),
    clipRangeValue: z.number().positive().default(0.2).describe('value clip epsilon around the rollout values'),
    valueCoef: z.number().nonnegative().default(0.1).describe("weight of the value loss in the policy's loss (PPO with the shared critic; a separate critic trains on the value loss alone)"),
    entropyCoef: z.number().nonnegative().default(0).describe('entropy bonus weight (0: entropy is only logged, as in TRL)'),
    gamma: z.number().min(0).max(1).default(1).describe('discount'),
    lambda: z.number().min(0).max(1).default(0.95).describe('GAE lambda'),
    klCoef: z.number().nonnegative().default(0.05).describe('beta: weight of the KL to the frozen SFT reference (per token in the reward for PPO, in the loss for GRPO)'),
    klEstimator: z.enum(['k1', 'k2', 'k3']).default('k1').describe("PPO's per-token KL estimator in the reward (GRPO always uses k3 in the loss)"),
    adaptiveKl: z.boolean().default(false).describe('adapt beta toward klTarget (Ziegler et al.) instead of keeping it fixed'),
    klTarget: z.number().positive().default(6).describe('adaptive KL: target KL per sequence'),
    klHorizon: z.number().positive().default(10_000).describe('adaptive KL: horizon in sequences'),
    rewardModelWeight: z.number().nonnegative().default(1).describe("weight of the reranker's score in the sequence reward"),
    executionRewardWeight: z.number().nonnegative().default(0).describe('weight of the execution reward (1 when the completion passes its tests) in the sequence reward'),
    critic: z
      .enum(['shared', 'separate'])
      .default('shared')
      .describe("PPO's critic: 'shared' = a value head on the policy's backbone (one model in memory); 'separate' = a critic model of its own trained by the value loss alone (needed for valueInit 'prm')"),
    valueInit: z
      .enum(['none', 'prm'])
      .default('none')
      .describe("'prm': the separate critic starts as the run's process reward model (its backbone, the prm head as the value head); 'none': as the policy with a zero value head"),
    denseReward: z.boolean().default(false).describe("PPO: add lambda * PRM(lines 1..m) / T at the last token of each line m (T lines), from the run's process reward model; the rollouts are then executed to choose lambda"),
    denseLambdaFail: z.number().nonnegative().default(0.25).describe('dense reward lambda for a response that fails its tests (the paper: 0.25)'),
    denseLambdaPass: z.number().nonnegative().default(0.025).describe('dense reward lambda for a response that passes its tests (the paper: 0.025)'),
    seed: z.number().int().nonnegative().default(0).describe('prompt draws, sampling and mini-batch order'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.valueInit === 'prm' && c.critic !== 'separate') {
      ctx.addIssue({ code: 'custom', path: ['valueInit'], message: "valueInit 'prm' needs critic 'separate' (a shared critic has the policy's backbone, not the PRM's)" });
    }
    if ((c.valueInit === 'prm' || c.denseReward) && c.algorithm !== 'ppo') {
      ctx.addIssue({ code: 'custom', path: [c.denseReward ? 'denseReward' : 'valueInit'], message: "dense reward and value init are PPO's (algorithm 'ppo'); GRPO has no critic and one reward per sequence" });
    }
  });

/**
 * Overrides of some fields (the bench commands' --ppo): only the keys given, checked and without defaults (zod's
 * partial() would fill every other key with its default, and refuses a schema with cross-field checks).
 */
export const ppoOverridesSchema = z
  .object(Object.fromEntries(Object.entries(ppoConfigSchema.shape).map(([k, f]) => [k, (f instanceof z.ZodDefault ? f.unwrap() : f).optional()])))
  .strict() as unknown as z.ZodType<Partial<z.output<typeof ppoConfigSchema>>>;

export type PpoConfig = z.output<typeof ppoConfigSchema>;
export type PpoConfigInput = z.input<typeof ppoConfigSchema>;
