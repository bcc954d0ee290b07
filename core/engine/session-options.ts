import type * as ort from 'onnxruntime-node';
import type { ProviderName } from './protocol';

/**
 * The session options of every program, per provider. Outputs always come back in CPU memory: onnxruntime-node
 * aborts the whole process (a native SIGABRT, not a JS error) when a device-resident output is read on WebGPU, so
 * no provider ever asks for outputs placed elsewhere. State that should stay on the device stays there inside one
 * run instead (see emit-loop.ts: K optimizer steps as one ONNX Loop).
 */
export function sessionOptions(provider: ProviderName, intraOpThreads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    preferredOutputLocation: 'cpu',
  };
}
