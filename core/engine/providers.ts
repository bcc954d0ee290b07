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

/** Providers onnxruntime-node downloads on demand: the library that proves the download, and what it runs on. */
const downloaded: Record<string, { library: string; needs: string }> = {
  cuda: { library: 'libonnxruntime_providers_cuda.so', needs: 'CUDA 12 and cuDNN 9' },
  tensorrt: { library: 'libonnxruntime_providers_tensorrt.so', needs: 'CUDA 12, cuDNN 9 and TensorRT 10' },
};

const installHint = (needs: string): string =>
  'not installed: run `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` ' +
  `on a machine that reaches the internet (needs ${needs})`;

/** What onnxruntime-node offers on this machine, and what each provider still needs. */
export function listExecutionProviders(): ExecutionProvider[] {
  const dir = bindingDir();
  return ort.listSupportedBackends().map(({ name, bundled }): ExecutionProvider => {
    if (name === 'cpu') return { name, bundled, status: 'available', detail: 'built in' };
    if (name === 'webgpu') {
      return { name, bundled, status: 'unverified', detail: 'built in; needs a WebGPU adapter (a GPU and its driver)' };
    }
    const download = downloaded[name];
    if (!bundled && download && dir && existsSync(join(dir, download.library))) {
      return { name, bundled, status: 'unverified', detail: `installed; needs a GPU with ${download.needs}` };
    }
    if (!bundled) return { name, bundled, status: 'missing', detail: installHint(download?.needs ?? 'its GPU runtime') };
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
  webgpu: 'a GPU with a WebGPU-capable driver (on Linux: Vulkan, i.e. the libvulkan1 package and mesa-vulkan-drivers or the vendor driver)',
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
