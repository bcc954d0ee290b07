import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from '../config/config-file';
import { engineConfigSchema } from '../engine/engine-config';
import { builtInSetNames } from '../data/built-in-sets';
import { hfModelConfigSchema } from '../models/hf-config';
import { samplingConfigSchema } from '../models/sampling';
import { transformerConfigSchema } from '../models/transformer';
import { ppoConfigSchema } from '../train/ppo-config';
import { prmConfigSchema } from '../train/prm-config';
import { rewardConfigSchema } from '../train/reward-config';
import { checkedJson } from '../store/json-column';
import type { Db } from '../store/open-store';
import type { RunRow } from '../store/runs';
import { sftConfigSchema } from '../train/sft-config';
import { defaultModels } from './default-config';
import { executeConfigSchema } from './stages/execute-config';
import { generateConfigSchema } from './stages/generate-config';
import { mineConfigSchema } from './stages/mine-config';
import { tokenizerConfigSchema } from './stages/tokenizer-config';

/**
 * A section whose defaults are the embedded default's values rather than its schema's: what a user writes is laid
 * over them key by key, and the schema (strict) still refuses unknown keys.
 */
function over<S extends z.ZodType>(schema: S, defaults: z.input<S> & object) {
  return z.preprocess((value) => {
    if (value === undefined) return defaults;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...defaults, ...value } : value;
  }, schema);
}

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
        set: z
          .enum(builtInSetNames)
          .nullable()
          .default(null)
          .describe('a built-in public set by name (humaneval, mbpp, humaneval-x-<language>, multipl-e-<language>); null: see path'),
        path: z
          .string()
          .nullable()
          .default(null)
          .describe('a problem file (HumanEval, MBPP, HumanEval-X, MultiPL-E or normalized JSONL); set and path both null: the embedded default set'),
        format: z.string().nullable().default(null).describe("the file's format when it can't be told from the file"),
        heldoutFraction: z
          .number()
          .min(0.05)
          .max(0.9)
          .default(0.2)
          .describe("share of a file's or a built-in set's problems held out for evaluation (the embedded set carries its own split)"),
      })
      .strict()
      .prefault({})
      .describe('the problems to learn from and evaluate on'),
    engine: engineConfigSchema.prefault({}).describe('where the engine computes: execution provider and threads'),
    tokenizer: tokenizerConfigSchema.prefault({}).describe('the tokenizer of from-scratch models'),
    model: hfModelConfigSchema.prefault({}).describe('start the generator and the reranker from Hugging Face checkpoints (LoRA or full training)'),
    generator: over(transformerConfigSchema, defaultModels.generator).describe('the generator (policy) model'),
    reranker: over(transformerConfigSchema, defaultModels.reranker).describe('the reranker (reward model)'),
    sft: over(sftConfigSchema, defaultModels.sft).describe('supervised fine-tuning of the generator (iteration 0)'),
    sampling: over(samplingConfigSchema, defaultModels.sampling).describe('how the generator samples candidates'),
    reward: over(rewardConfigSchema, defaultModels.reward).describe('reranker training (Bradley-Terry with hard negatives)'),
    generate: generateConfigSchema
      .prefault({})
      .describe('which problems get candidates each iteration, and where candidates come from'),
    execute: executeConfigSchema.prefault({}).describe('running candidates against their tests in the sandbox'),
    mine: mineConfigSchema.prefault({}).describe('hard negatives and disputed samples'),
    ppo: over(ppoConfigSchema, defaultModels.ppo).describe('policy optimisation of the generator against the reranker (PPO or GRPO; updates 0 skips it)'),
    prm: prmConfigSchema
      .prefault({})
      .describe('process supervision: line labels by completing prefixes, and a process reward model trained on them (off by default)'),
  })
  .strict();

export type RunConfig = z.output<typeof runConfigSchema>;

/** Paths inside a config file (problems, candidates, checkpoint folders) are relative to the file's folder, as in most config formats. */
export function loadRunConfig(file: string | null): RunConfig {
  if (file === null) return runConfigSchema.parse({});
  const config = loadConfigFile(file, runConfigSchema);
  const near = (path: string | null): string | null => (path === null ? null : resolve(dirname(file), path));
  return {
    ...config,
    problems: { ...config.problems, path: near(config.problems.path) },
    generate: { ...config.generate, candidatesFile: near(config.generate.candidatesFile) },
    model: { ...config.model, generator: near(config.model.generator), reranker: near(config.model.reranker) },
  };
}

/** A run's config as its store holds it, checked: a store written by another version may not fit this schema. */
export function storedRunConfig(db: Db, run: RunRow): RunConfig {
  return checkedJson(db, runConfigSchema, run.config, `run '${run.name}': config`);
}
