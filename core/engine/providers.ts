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
