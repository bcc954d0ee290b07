import { join } from 'node:path';

/** Where a run keeps its files, below <workspace>/runs/<name>: one place that names them all. */
export const runFiles = {
  tokenizer: (runDir: string) => join(runDir, 'tokenizer.json'),
  /** The SFT trainer's own state (optimizer included), so a killed SFT resumes mid-way. */
  sftState: (runDir: string) => join(runDir, 'sft-state.safetensors'),
  generator: (runDir: string) => join(runDir, 'generator.safetensors'),
  rerankerState: (runDir: string, iteration: number) => join(runDir, `iteration-${iteration}`, 'reranker-state.safetensors'),
  reranker: (runDir: string, iteration: number) => join(runDir, `iteration-${iteration}`, 'reranker.safetensors'),
  /** The PPO trainer's state after its latest round (optimizer, KL coefficient, logs and rollouts). */
  ppoState: (runDir: string, iteration: number) => join(runDir, `iteration-${iteration}`, 'ppo-state.safetensors'),
  /** The PRM trainer's state (optimizer included), so a killed train-prm resumes mid-way. */
  prmState: (runDir: string, iteration: number) => join(runDir, `iteration-${iteration}`, 'prm-state.safetensors'),
  /** The process reward model trained in this iteration. */
  prm: (runDir: string, iteration: number) => join(runDir, `iteration-${iteration}`, 'prm.safetensors'),
  /** The policy after this iteration's PPO: the run's generator from then on. */
  policy: (runDir: string, iteration: number) => join(runDir, `iteration-${iteration}`, 'policy.safetensors'),
};
