import { z } from 'zod';

export const executeConfigSchema = z
  .object({
    timeoutS: z.number().positive().max(600).default(5).describe('wall-clock limit per candidate, seconds'),
    memoryMb: z.number().int().min(64).default(1024).describe('memory limit per candidate, MiB'),
    rerunInconclusive: z
      .boolean()
      .default(true)
      .describe('run Timeouts and SandboxErrors a second time, so a verdict that changes marks the sample as disputed'),
    probeWeakTests: z
      .boolean()
      .default(true)
      .describe('run passing Python candidates on inputs beyond their tests, to find tests too weak to decide'),
  })
  .strict();
export type ExecuteConfig = z.output<typeof executeConfigSchema>;
