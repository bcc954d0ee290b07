import { z } from 'zod';

export const generateConfigSchema = z
  .object({
    candidatesFile: z
      .string()
      .nullable()
      .default(null)
      .describe('take candidates from this JSONL ({task_id, completion} per line) instead of sampling them'),
    trainProblems: z
      .number()
      .int()
      .min(1)
      .default(960)
      .describe('training problems sampled per iteration (a different seeded draw each iteration), for reranker pairs'),
    heldoutProblems: z
      .number()
      .int()
      .min(1)
      .nullable()
      .default(null)
      .describe('held-out problems sampled per iteration for evaluation; null: all of them'),
  })
  .strict();
export type GenerateConfig = z.output<typeof generateConfigSchema>;
