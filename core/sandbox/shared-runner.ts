import { availableParallelism } from 'node:os';
import { SandboxRunner } from './runner';

/** What a user of the shared pool holds: the runner, and a release to call once when done with it. */
export interface SandboxLease {
  readonly runner: SandboxRunner;
  release(): Promise<void>;
}

let shared: { runner: SandboxRunner; users: number } | null = null;

/**
 * The process's one sandbox pool (a warm sandbox per CPU), created on first use and shared by the loop's stages
 * and the app's sandbox service, so programs from both queue for the same CPUs instead of each sizing its own pool.
 * It closes when its last user releases it: its warm sandboxes are child processes that would otherwise keep the
 * process alive (the app's sandbox service holds its lease until shutdown, so there it stays warm).
 */
export function leaseSharedSandbox(): SandboxLease {
  const entry = (shared ??= { runner: new SandboxRunner({ jobs: availableParallelism() }), users: 0 });
  entry.users++;
  let released = false;
  return {
    runner: entry.runner,
    async release() {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users > 0) return;
      if (shared === entry) shared = null;
      await entry.runner.close();
    },
  };
}
