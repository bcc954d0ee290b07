import { cpus } from 'node:os';
import type { z } from 'zod';
import type { sandboxExecute, SandboxInfo, SandboxProgress } from '../api/sandbox';
import { availability } from '../sandbox/availability';
import { createIsolation } from '../sandbox/isolation/index';
import { LANGUAGES } from '../sandbox/languages/index';
import { SandboxRunner } from '../sandbox/runner';

/** What app info reports about the sandbox (the bwrap probe runs once per process). */
export function sandboxInfo(): SandboxInfo {
  const readOnlyPaths = [...new Set(LANGUAGES.flatMap((l) => l.readOnlyPaths ?? []))];
  const { mechanism, guarantees, warnings } = createIsolation({ readOnlyPaths }).capabilities;
  return { mechanism, guarantees: { ...guarantees }, warnings, languages: LANGUAGES.map(availability) };
}

/** The core's sandbox: one runner (a warm sandbox per CPU), started on first use and kept for the process. */
export class SandboxService {
  private runner: SandboxRunner | null = null;

  async execute(
    params: z.output<typeof sandboxExecute.params>,
    onProgress: (progress: SandboxProgress) => void,
  ): Promise<z.output<typeof sandboxExecute.result>> {
    this.runner ??= new SandboxRunner({ jobs: Math.max(1, cpus().length) });
    const results = await this.runner.runBatch(params.requests, {
      onProgress: ({ done, total, index, result }) => onProgress({ batchId: params.batchId, done, total, index, result }),
    });
    return { results };
  }

  async close(): Promise<void> {
    await this.runner?.close();
    this.runner = null;
  }
}
