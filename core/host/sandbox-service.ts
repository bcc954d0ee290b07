import type { z } from 'zod';
import type { sandboxExecute, SandboxInfo, SandboxProgress } from '../api/sandbox';
import { availability } from '../sandbox/availability';
import { createIsolation } from '../sandbox/isolation/index';
import { LANGUAGES } from '../sandbox/languages/index';
import { leaseSharedSandbox, type SandboxLease } from '../sandbox/shared-runner';

/** What app info reports about the sandbox (the bwrap probe runs once per process). */
export function sandboxInfo(): SandboxInfo {
  const readOnlyPaths = [...new Set(LANGUAGES.flatMap((l) => l.readOnlyPaths ?? []))];
  const { mechanism, guarantees, warnings } = createIsolation({ readOnlyPaths }).capabilities;
  return { mechanism, guarantees: { ...guarantees }, warnings, languages: LANGUAGES.map(availability) };
}

/** The core's sandbox: the process's shared pool (a warm sandbox per CPU, shared with a running loop), leased on first use and kept until close. */
export class SandboxService {
  private lease: SandboxLease | null = null;

  async execute(
    params: z.output<typeof sandboxExecute.params>,
    onProgress: (progress: SandboxProgress) => void,
  ): Promise<z.output<typeof sandboxExecute.result>> {
    this.lease ??= leaseSharedSandbox();
    const results = await this.lease.runner.runBatch(params.requests, {
      onProgress: ({ done, total, index, result }) => onProgress({ batchId: params.batchId, done, total, index, result }),
    });
    return { results };
  }

  async close(): Promise<void> {
    await this.lease?.release();
    this.lease = null;
  }
}
