/**
 * What a model file's weights must be, shared by the checkpoint loader, the LoRA adapters and the Hugging Face
 * import (its own file so that those three need not import each other in a circle).
 */
import type { HostTensor } from '../engine/protocol';
import { type Head, type TransformerConfig, transformerShapes } from './transformer';

/** A Hugging Face checkpoint folder the saved tensors are adapters of, and the hash its weights had. */
export interface ModelBase {
  path: string;
  sha256: string;
}

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

/** Checks that `tensors` hold exactly the parameters `config` and `heads` imply, with their shapes. */
export function checkWeights(file: string, config: TransformerConfig, heads: readonly Head[], tensors: Record<string, HostTensor>): void {
  const want = transformerShapes(config, heads);
  for (const [name, spec] of Object.entries(want)) {
    const t = tensors[name];
    if (!t) throw new ModelFileError(`${file}: tensor '${name}' is missing (the config's ${config.arch} model needs it)`);
    if (t.dtype !== 'float32' || t.dims.join() !== spec.shape.join()) {
      throw new ModelFileError(`${file}: tensor '${name}' is ${t.dtype}[${t.dims}], the config needs float32[${spec.shape}]`);
    }
  }
  for (const name of Object.keys(tensors)) {
    if (!(name in want) && !name.includes('.lora_')) throw new ModelFileError(`${file}: tensor '${name}' is not a parameter of the config's model`);
  }
}
