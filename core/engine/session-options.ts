import type * as ort from 'onnxruntime-node';
import type { ProviderName } from './protocol';

/** Where a session puts its outputs: all in CPU memory, or per output name. */
export type OutputPlacement = 'cpu' | Readonly<Record<string, 'cpu' | 'gpu-buffer'>>;

/**
 * Only WebGPU was measured keeping outputs on the device (an H200 through Vulkan): an output placed 'gpu-buffer'
 * and fed back as the next run's input keeps its values. Every other provider places every output in CPU memory.
 */
export const keepsOnDevice = (provider: ProviderName): boolean => provider === 'webgpu';

/**
 * Where a program's outputs go for a run that keeps `kept` in the worker and returns `fetched`. On WebGPU an output
 * that is kept and never fetched stays in device memory; everything fetched comes back to the CPU, since reading a
 * 'gpu-buffer' tensor's data aborts onnxruntime-node natively (SIGABRT). Without any output to keep, or with
 * `onDevice` off (the engine's keepOnDevice option): 'cpu'.
 */
export function outputPlacement(
  provider: ProviderName,
  outputs: readonly string[],
  kept: readonly string[],
  fetched: readonly string[],
  onDevice = true,
): OutputPlacement {
  if (!onDevice || !keepsOnDevice(provider)) return 'cpu';
  const resident = new Set(kept.filter((n) => !fetched.includes(n) && outputs.includes(n)));
  if (resident.size === 0) return 'cpu';
  return Object.fromEntries(outputs.map((n) => [n, resident.has(n) ? 'gpu-buffer' : 'cpu']));
}

/**
 * Where a tensor put into the engine from the host lives: on WebGPU a non-empty float32 tensor (weights, moments)
 * is copied to the device once, so runs that read it (every decoding step reads every weight) don't upload it each
 * time; int64 and bool tensors (token ids, masks) and other providers stay in CPU memory.
 */
export function putLocation(provider: ProviderName, dtype: string, size: number, onDevice = true): 'cpu' | 'gpu-buffer' {
  return onDevice && keepsOnDevice(provider) && dtype === 'float32' && size > 0 ? 'gpu-buffer' : 'cpu';
}

/**
 * A session's options are fixed when it is created, so a program runs in one session per placement: this suffix
 * tells them apart (empty for the all-CPU placement, so CPU sessions are keyed by the program alone).
 */
export function placementKey(placement: OutputPlacement): string {
  if (placement === 'cpu') return '';
  const onDevice = Object.keys(placement).filter((n) => placement[n] === 'gpu-buffer').sort();
  return `|device:${JSON.stringify(onDevice)}`;
}

/** The session options of every program, per provider, with its output placement (see outputPlacement). */
export function sessionOptions(
  provider: ProviderName,
  intraOpThreads: number,
  placement: OutputPlacement = 'cpu',
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    preferredOutputLocation: placement,
  };
}
