import { cpus, totalmem } from 'node:os';
import type { AppInfo } from '../api/app-info';
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
