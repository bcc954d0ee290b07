/** Messages between the engine (main side) and the worker thread that owns the ONNX Runtime sessions. */
import type { DType } from './graph';

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
}

export type Request =
  | { kind: 'load'; key: string; bytes: Uint8Array; optimization: 'basic' | 'all' }
  | { kind: 'unload'; key: string }
  | { kind: 'put'; tensors: Record<string, HostTensor> }
  | { kind: 'get'; names: string[] }
  | { kind: 'drop'; names: string[] }
  | {
      kind: 'run';
      key: string;
      feeds: Record<string, Feed>;
      /** Outputs stored in the worker under a resident name (output name -> resident name). */
      keep: Record<string, string>;
      /** Outputs sent back. */
      fetch: string[];
    }
  | { kind: 'decode'; key: string; plan: DecodePlan };

/**
 * Token-by-token decoding run entirely inside the worker. KV caches are position-major, (P, ...), so the cache
 * of the first P positions is a prefix of one growing buffer: each step feeds that prefix without a copy and
 * appends the step's new entries (1, ...). Only tokens (and logits, when asked for) cross back.
 */
export interface DecodePlan {
  /** The token input, position input and logits output names of the decode program. */
  tokenInput: string;
  positionInput: string;
  logitsOutput: string;
  /** Each cache: the program input taking the cache so far, the output with this step's new entries, and the
   * resident tensor (position-major) holding the cache before the first step; it holds the whole cache after. */
  cache: { input: string; output: string; resident: string }[];
  /** Other feeds (params resident in the worker). */
  feeds: Record<string, Feed>;
  batch: number;
  /** Tokens fed at the first step, one per row, and their position. */
  firstTokens: number[];
  firstPosition: number;
  steps: number;
  /** Teacher forcing: per row, the tokens fed at steps 2..steps; without it each step feeds the argmax. */
  forced?: number[][];
  /** Send back every step's logits (steps x batch x vocab). */
  returnLogits?: boolean;
}

export interface DecodeResult {
  tokens: number[][];
  logits?: Float32Array;
}

export type RequestMessage = Request & { id: number };

export type Reply =
  | { id: number; ok: true; tensors?: Record<string, HostTensor>; decoded?: DecodeResult }
  | { id: number; ok: false; error: string };
