import { z } from 'zod';
import { Engine } from './engine';

/**
 * Where a run's engine computes. A non-CPU provider is verified first by a tiny training run in a child process
 * (provider-check.ts); a provider that fails its check fails the run's first engine stage, never falling back to
 * the CPU silently.
 */
export const engineConfigSchema = z
  .object({
    provider: z
      .enum(['cpu', 'webgpu', 'cuda', 'dml', 'coreml'])
      .default('cpu')
      .describe("onnxruntime's execution provider for generation and every trainer (`rewardranker engine --self-check` lists what works here)"),
    threads: z.number().int().min(1).max(256).default(2).describe('onnxruntime intra-op threads (CPU work, also beside a GPU)'),
  })
  .strict();

export type EngineConfig = z.output<typeof engineConfigSchema>;

/** The config's engine section on another provider; an unknown name is refused with the known ones. */
export function engineWith(engine: EngineConfig, provider: string): EngineConfig {
  const parsed = engineConfigSchema.safeParse({ ...engine, provider });
  if (!parsed.success) throw new Error(`--provider: '${provider}' is not one of ${engineConfigSchema.shape.provider.unwrap().options.join(', ')}`);
  return parsed.data;
}

/** The one way runs, stages and benchmarks start an engine from a config. */
export function startEngine(config: EngineConfig): Promise<Engine> {
  return Engine.start({ provider: config.provider, intraOpThreads: config.threads });
}
