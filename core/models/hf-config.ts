import { z } from 'zod';
import { defaultLoraModules } from './adapters';

/**
 * Starting the loop from Hugging Face checkpoints (the run config's `model` section): which folder the generator
 * and the reranker start from, whether they train every weight or LoRA adapters on the frozen base, and how a
 * problem is put to the model. With no generator folder the run trains the embedded default's small models from
 * scratch and this section is not read.
 */
export const hfModelConfigSchema = z
  .object({
    generator: z
      .string()
      .nullable()
      .default(null)
      .describe('a Hugging Face checkpoint folder (config.json, safetensors, tokenizer.json) the generator starts from; null: from scratch'),
    reranker: z.string().nullable().default(null).describe("the checkpoint folder the reranker starts from; null: the generator's"),
    train: z.enum(['lora', 'full']).default('lora').describe('lora: train low-rank adapters on the frozen base; full: train every weight'),
    lora: z
      .object({
        rank: z.number().int().min(1).max(1024).default(16).describe('adapter rank r'),
        alpha: z
          .number()
          .positive()
          .default(32)
          .describe("PEFT's lora_alpha: every adapter's update A @ B is scaled by alpha / r in training, as PEFT scales it, and the exported adapter_config.json says so"),
        targets: z.array(z.string().min(1)).min(1).default([...defaultLoraModules]).describe("PEFT's target_modules: which projections get adapters"),
      })
      .strict()
      .prefault({})
      .describe('LoRA adapters (train: lora)'),
    prompting: z
      .enum(['completion', 'chat'])
      .default('completion')
      .describe("completion: the model continues the problem's prompt; chat: the prompt goes through the tokenizer's chat template as a user turn, the answer starts with the prompt's code"),
    maxSeqLen: z.number().int().min(16).max(32768).default(512).describe('longest sequence (prompt + completion) the run builds positions for'),
    memoryLimitGb: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe("refuse to start when the estimated memory (weights, adapters, optimizer, activations, KV cache) exceeds this; null: the machine's memory"),
  })
  .strict();

export type HfModelConfig = z.output<typeof hfModelConfigSchema>;
