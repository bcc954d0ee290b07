import { z } from 'zod';
import { loadConfigFile } from '../config/config-file';
import { executeConfigSchema } from './stages/execute';
import { mineConfigSchema } from './stages/mine';

/**
 * A run's whole configuration: one JSON-with-comments file, every field with a default and a help text, so the
 * embedded default is simply `{}` and the UI can draw its settings form from the schema. Each section belongs to
 * the stage or trainer that reads it.
 */
export const runConfigSchema = z
  .object({
    seed: z.number().int().min(0).default(1).describe('seeds every random choice: the same seed on CPU reproduces a run'),
    iterations: z.number().int().min(1).max(1000).default(2).describe('self-training iterations after SFT'),
    problems: z
      .object({
        path: z
          .string()
          .nullable()
          .default(null)
          .describe('a problem file (HumanEval, MBPP, HumanEval-X, MultiPL-E or normalized JSONL); null: the embedded default set'),
        format: z.string().nullable().default(null).describe("the file's format when it can't be told from the file"),
        heldoutFraction: z
          .number()
          .min(0.05)
          .max(0.9)
          .default(0.2)
          .describe("share of a file's problems held out for evaluation (the embedded set carries its own split)"),
      })
      .strict()
      .prefault({}),
    generate: z
      .object({
        candidatesFile: z
          .string()
          .nullable()
          .default(null)
          .describe('take candidates from this JSONL ({task_id, completion} per line) instead of sampling them'),
      })
      .strict()
      .prefault({}),
    execute: executeConfigSchema.prefault({}),
    mine: mineConfigSchema.prefault({}),
  })
  .strict();

export type RunConfig = z.output<typeof runConfigSchema>;

export function loadRunConfig(file: string | null): RunConfig {
  return file === null ? runConfigSchema.parse({}) : loadConfigFile(file, runConfigSchema);
}
