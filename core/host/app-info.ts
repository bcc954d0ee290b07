import { cpus, totalmem } from 'node:os';
import type { AppInfo, ExecutionProvider } from '../api/app-info';
import type { ProviderName } from '../engine/protocol';
import { verifyProviderOnce } from '../engine/provider-check';
import { listExecutionProviders, onnxruntimeVersion } from '../engine/providers';
import { appVersion } from './app-version';
import { sandboxInfo } from './sandbox-service';
import type { CoreOptions } from './core-options';

export function collectAppInfo(options: CoreOptions): AppInfo {
  return {
    name: 'RewardRanker Studio',
    version: appVersion(),
    mode: options.mode,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.versions.node,
    electronVersion: options.electronVersion,
    onnxruntimeVersion: onnxruntimeVersion(),
    cpus: Math.max(1, cpus().length),
    memoryBytes: totalmem(),
    workspace: options.workspace,
    executionProviders: listExecutionProviders(),
    sandbox: sandboxInfo(),
  };
}

/**
 * The providers with their checks: each one that is installed but unverified runs a tiny training program in a
 * child process (once per process), so the card says verified or failed, and why.
 */
export async function checkExecutionProviders(): Promise<ExecutionProvider[]> {
  return Promise.all(
    listExecutionProviders().map(async (p): Promise<ExecutionProvider> => {
      if (p.status !== 'unverified') return p;
      const check = await verifyProviderOnce(p.name as ProviderName);
      return { ...p, status: check.ok ? 'verified' : 'failed', detail: check.detail };
    }),
  );
}
