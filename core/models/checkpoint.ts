/**
 * Model checkpoints: the weights as safetensors plus a JSON file with the model config and heads, side by side
 * (`<name>.safetensors`, `<name>.json`). Loading checks every parameter the config implies is there with its
 * shape, so a checkpoint that does not fit its config is refused naming the file and the tensor.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import type { HostTensor } from '../engine/protocol';
import { readSafetensors, writeSafetensors } from '../engine/safetensors';
import { mergeAdapters } from './adapters';
import { checkWeights, type ModelBase, ModelFileError } from './model-weights';
import { type Head, type TransformerConfig, heads as headNames, transformerConfigSchema } from './transformer';

export const modelFormat = 'rewardranker-model/1';

const modelFileSchema = z
  .object({
    format: z.literal(modelFormat),
    config: transformerConfigSchema,
    heads: z.array(z.enum(headNames)),
    base: z.object({ path: z.string(), sha256: z.string() }).strict().optional(),
  })
  .strict();

export interface SavedModel {
  config: TransformerConfig;
  heads: Head[];
  /** Every weight; with `base`, only the LoRA adapters and the heads the base lacks. */
  tensors: Record<string, HostTensor>;
  base?: ModelBase;
}

const stem = (file: string): string => file.replace(/\.(safetensors|json)$/, '');

/** Writes `<stem>.safetensors` and `<stem>.json` (each atomically). */
export function saveModel(file: string, model: SavedModel): void {
  const stemName = stem(file);
  writeSafetensors(`${stemName}.safetensors`, model.tensors, { format: modelFormat });
  const tmp = `${stemName}.json.${process.pid}.tmp`;
  const base = model.base ? { base: model.base } : {};
  writeFileSync(tmp, JSON.stringify({ format: modelFormat, config: model.config, heads: model.heads, ...base }, null, 2) + '\n');
  renameSync(tmp, `${stemName}.json`);
}

export function loadModel(file: string): SavedModel {
  const base = stem(file);
  const jsonFile = `${base}.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch (err) {
    throw new ModelFileError(`${jsonFile}: ${err instanceof SyntaxError ? `not JSON (${err.message})` : `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`}`);
  }
  const parsed = modelFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ModelFileError(`${jsonFile}: key '${issue.path.join('.')}': ${issue.message}`);
  }
  const weightsFile = `${base}.safetensors`;
  const { tensors } = readSafetensors(weightsFile);
  const { config, heads } = parsed.data;
  if (parsed.data.base) return { config, heads, tensors: mergeAdapters(weightsFile, parsed.data.base, config, heads, tensors), base: parsed.data.base };
  checkWeights(weightsFile, config, heads, tensors);
  return { config, heads, tensors };
}
