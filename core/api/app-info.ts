import { z } from 'zod';
import { SandboxInfoSchema } from './sandbox';

/** What onnxruntime-node can run on here: built in, installed, and usable without further steps. */
export const ExecutionProviderSchema = z.object({
  name: z.string(),
  /** Shipped inside the onnxruntime-node package (cpu, webgpu) rather than downloaded on demand (cuda). */
  bundled: z.boolean(),
  /**
   * available: runs here now. missing: its libraries are not installed (detail names the step).
   * unverified: installed, but whether a device backs it is only known once a session is created on it.
   * verified / failed: a tiny training run on it, in a child process, matched the CPU's losses / did not (detail
   * says why: no adapter, a native abort, a timeout).
   */
  status: z.enum(['available', 'missing', 'unverified', 'verified', 'failed']),
  detail: z.string(),
});
export type ExecutionProvider = z.infer<typeof ExecutionProviderSchema>;

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['desktop', 'web']),
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
  onnxruntimeVersion: z.string().nullable(),
  cpus: z.number().int().positive(),
  memoryBytes: z.number().nonnegative(),
  workspace: z.string(),
  executionProviders: z.array(ExecutionProviderSchema),
  sandbox: SandboxInfoSchema,
});
export type AppInfo = z.infer<typeof AppInfoSchema>;
