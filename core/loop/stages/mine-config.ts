import { z } from 'zod';

export const mineConfigSchema = z
  .object({
    hardNegativeRule: z
      .enum(['best-passing', 'quantile'])
      .default('best-passing')
      .describe("a failing candidate is hard when it outscores its problem's best passing one, or a quantile of them"),
    hardNegativeQuantile: z.number().min(0).max(1).default(0.5).describe("with the 'quantile' rule: which quantile"),
    disputeConfidence: z
      .number()
      .min(0.5)
      .max(1)
      .default(0.9)
      .describe('how sure the reranker must be to contradict a verdict before a person is asked'),
    timeoutFraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('a Timeout that used at least this share of the limit is inconclusive'),
  })
  .strict();
export type MineConfig = z.output<typeof mineConfigSchema>;
