import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ExecutionProvider } from '../api/app-info';

const require = createRequire(import.meta.url);

/** The directory of onnxruntime-node's native binding for this platform, where downloaded providers land too. */
function bindingDir(): string | null {
  try {
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    return join(root, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

const providerLibrary: Record<string, string> = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
};

const installHint =
  'not installed: run `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` ' +
  'on a machine that reaches the internet (needs CUDA 12 and cuDNN 9)';

/** What onnxruntime-node offers on this machine, and what each provider still needs. */
export function listExecutionProviders(): ExecutionProvider[] {
  const dir = bindingDir();
  return ort.listSupportedBackends().map(({ name, bundled }): ExecutionProvider => {
    if (name === 'cpu') return { name, bundled, status: 'available', detail: 'built in' };
    if (name === 'webgpu') {
      return { name, bundled, status: 'unverified', detail: 'built in; needs a WebGPU adapter (a GPU and its driver)' };
    }
    const lib = providerLibrary[name];
    if (!bundled && lib && dir && existsSync(join(dir, lib))) {
      return { name, bundled, status: 'unverified', detail: `installed (${lib}); needs a matching GPU driver` };
    }
    if (!bundled) return { name, bundled, status: 'missing', detail: installHint };
    return { name, bundled, status: 'unverified', detail: 'built in; needs its device' };
  });
}

export function onnxruntimeVersion(): string | null {
  return ort.env.versions?.node ?? null;
}

const platformOnly: Record<string, string> = {
  dml: 'DirectML ships with onnxruntime-node on Windows only (x64/arm64); use cpu, cuda or webgpu here',
  coreml: 'CoreML ships with onnxruntime-node on macOS only; use cpu or webgpu here',
};

const deviceNeeds: Record<string, string> = {
  cuda: 'an NVIDIA GPU with its driver, CUDA 12 and cuDNN 9',
  webgpu: 'a GPU with a WebGPU-capable driver (on Linux: Vulkan, e.g. the mesa-vulkan-drivers package or the vendor driver)',
  dml: 'a DirectX 12 GPU',
  coreml: 'an Apple device',
};

/** What a provider needs to run, for error messages when a session can't be created on it. */
export function providerNeeds(name: string): string {
  return deviceNeeds[name] ?? 'its device';
}

/**
 * Throws, naming what to install, when a requested provider is not usable here. There is never a silent
 * fall-back to cpu: a run asked for on a GPU either runs there or fails.
 */
export function checkProvider(name: string): void {
  if (name === 'cpu') return;
  const known = listExecutionProviders().find((p) => p.name === name);
  if (!known) {
    const why = platformOnly[name] ?? `onnxruntime-node ${onnxruntimeVersion() ?? ''} has no provider named '${name}'`;
    throw new Error(`execution provider '${name}' is not available on ${process.platform}/${process.arch}: ${why}`);
  }
  if (known.status === 'missing') throw new Error(`execution provider '${name}' is ${known.detail}`);
}
