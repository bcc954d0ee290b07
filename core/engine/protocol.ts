/** Messages between the engine (main side) and the worker thread that owns the ONNX Runtime sessions. */
import type { DType } from './graph';
import type { OutputPlacement } from './session-options';

export type HostData = Float32Array | Float64Array | BigInt64Array | Uint8Array;

/** A tensor on the JS side: row-major data with concrete dims. */
export interface HostTensor {
  dtype: DType;
  dims: number[];
  data: HostData;
}

/** A feed either carries data or names a tensor that already lives in the worker. */
export type Feed = HostTensor | { resident: string };

export type ProviderName = 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml';

export interface WorkerConfig {
  provider: ProviderName;
  intraOpThreads: number;
  /**
   * Move every tensor put or read through the copy program, as tensors on the device always move; off, CPU
   * tensors are put and read directly. On for tests that prove the copy keeps every byte.
   */
  copyThroughProgram: boolean;
  /** Keep tensors in device memory between runs where the provider can (EngineOptions.keepOnDevice). */
  keepOnDevice: boolean;
}

export type Request =
  /** `key` names the session: the program's key plus its placement's (session-options.ts placementKey). */
  | { kind: 'load'; key: string; bytes: Uint8Array; optimization: 'basic' | 'all'; placement: OutputPlacement }
  | { kind: 'unload'; key: string }
  | { kind: 'put'; tensors: Record<string, HostTensor> }
  | { kind: 'get'; names: string[] }
  | { kind: 'drop'; names: string[] }
  /** Where each resident tensor lives ('cpu', 'gpu-buffer'), without reading it. */
  | { kind: 'locations'; names: string[] }
  | {
      kind: 'run';
      key: string;
      feeds: Record<string, Feed>;
      /** Outputs stored in the worker under a resident name (output name -> resident name). */
      keep: Record<string, string>;
      /** Outputs sent back. */
      fetch: string[];
    };

export type RequestMessage = Request & { id: number };

export type Reply =
  | { id: number; ok: true; tensors?: Record<string, HostTensor>; locations?: Record<string, string> }
  | { id: number; ok: false; error: string };
