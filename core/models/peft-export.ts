/**
 * A run's LoRA adapters in PEFT's format, so other tools (PEFT, transformers, vLLM) load them on the same base:
 * adapter_config.json and adapter_model.safetensors with PEFT's names and PyTorch's layout. Ours are A (in, r) and
 * B (r, out) added as W + s * A @ B, s the scale they were trained under (the model config's loraScale: alpha / r,
 * or 1 for runs from before alpha was in the graph); PEFT's are lora_A.weight (r, in) and lora_B.weight (out, r)
 * added as W + (alpha / r) * B @ A, so lora_A is A transposed and lora_B is B transposed times s / (alpha / r)
 * (1 when the run trained at its alpha): the update a PEFT model applies is exactly the trained one. A reranker's reward head goes out as the `score` module of a
 * sequence classifier (modules_to_save); its bias is left out (PEFT's `score` has none), which shifts every score
 * by the same constant and leaves every ranking as it was.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTensor } from '../engine/protocol';
import { writeSafetensors } from '../engine/safetensors';
import type { ModelBase } from './model-weights';

export interface PeftExport {
  /** The adapters and heads as saved in a run's checkpoint (`<name>.lora_A` / `.lora_B`, `reward_head.*`). */
  tensors: Record<string, HostTensor>;
  base: ModelBase;
  rank: number;
  alpha: number;
  /** The scale the adapters were trained under (the saved model config's loraScale; 1 when it has none). */
  trainedScale: number;
  /** PEFT's target_modules (q_proj, v_proj, ...). */
  modules: readonly string[];
  task: 'CAUSAL_LM' | 'SEQ_CLS';
}

function transposed(t: HostTensor, scale = 1): HostTensor {
  const [rows, cols] = t.dims as [number, number];
  const src = t.data as Float32Array;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]! * scale;
  return { dtype: 'float32', dims: [cols, rows], data: out };
}

/** Writes adapter_config.json and adapter_model.safetensors into `dir`; returns the adapter tensors' names. */
export function exportPeftAdapters(dir: string, e: PeftExport): string[] {
  mkdirSync(dir, { recursive: true });
  const scaling = e.alpha / e.rank;
  const out: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(e.tensors)) {
    if (name.endsWith('.lora_A') || name.endsWith('.lora_B')) {
      const target = name.slice(0, -'.lora_A'.length).replace(/\.weight$/, '');
      const which = name.endsWith('.lora_A') ? 'lora_A' : 'lora_B';
      out[`base_model.model.model.${target}.${which}.weight`] = which === 'lora_A' ? transposed(t) : transposed(t, e.trainedScale / scaling);
    } else if (name === 'reward_head.weight') {
      out['base_model.model.score.weight'] = transposed(t); // (C, 1) -> (1, C)
    }
  }
  writeSafetensors(join(dir, 'adapter_model.safetensors'), out, { format: 'pt' });
  const config = {
    peft_type: 'LORA',
    task_type: e.task,
    base_model_name_or_path: e.base.path,
    r: e.rank,
    lora_alpha: e.alpha,
    lora_dropout: 0,
    target_modules: [...e.modules],
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    modules_to_save: e.task === 'SEQ_CLS' ? ['score'] : null,
    revision: null,
    // Not a PEFT key: the base's hash, so a reader can check it has the weights the adapters were trained on.
    rewardranker_base_sha256: e.base.sha256,
  };
  const tmp = join(dir, `adapter_config.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n');
  renameSync(tmp, join(dir, 'adapter_config.json'));
  return Object.keys(out).sort();
}
