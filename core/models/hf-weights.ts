/**
 * The weights of a Hugging Face checkpoint as people have them: model.safetensors or shards listed by
 * model.safetensors.index.json, each tensor F32, BF16 or F16. The engine computes in float32 on every provider we
 * run, so half-precision tensors widen to float32 on read (exactly: every bf16 and f16 value is a float32 value),
 * matrices the caller asks for transposed in the same pass (a second pass over 0.5B values costs seconds).
 * Every problem (a missing shard, a tensor the index names but no shard holds, another dtype) is one line naming
 * the file and the tensor.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTensor } from '../engine/protocol';
import { readSafetensorsFile } from '../engine/safetensors';

export class HfWeightsError extends Error {
  override readonly name = 'HfWeightsError';
}

const bytesPer: Record<string, number> = { F32: 4, BF16: 2, F16: 2 };

/** IEEE half (binary16) bits -> float32 value. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

let halfTable: Float32Array | null = null;
function halfLookup(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/**
 * The raw bytes of one tensor as float32 (bf16 is the top half of a float32; f16 goes through a table); with
 * `transpose` = [rows, cols], the (rows, cols) matrix comes out as (cols, rows).
 */
function toFloat32(code: string, bytes: Buffer, transpose?: [number, number]): Float32Array {
  const [rows, cols] = transpose ?? [0, 0];
  if (code === 'F32') {
    const flat = new Float32Array(bytes.length / 4);
    new Uint8Array(flat.buffer).set(bytes);
    if (!transpose) return flat;
    const out = new Float32Array(flat.length);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = flat[r * cols + c]!;
    return out;
  }
  // An aligned copy as 16-bit words (the file's offsets need not be even; x86 and ARM are little-endian as the file).
  const n = bytes.length / 2;
  const half = new Uint16Array(n);
  new Uint8Array(half.buffer).set(bytes);
  const out = new Float32Array(n);
  if (code === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    if (transpose) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) bits[c * rows + r] = half[r * cols + c]! << 16;
    else for (let i = 0; i < n; i++) bits[i] = half[i]! << 16;
  } else {
    const table = halfLookup();
    if (transpose) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = table[half[r * cols + c]!]!;
    else for (let i = 0; i < n; i++) out[i] = table[half[i]!]!;
  }
  return out;
}

export interface ShardTensors {
  tensors: Record<string, HostTensor>;
  /** The dtype each tensor had in the file (F32, BF16, F16). */
  stored: Record<string, string>;
}

/** Which tensors to transpose while reading: (name in the file, shape in the file) -> whether to. */
export type TransposeRule = (name: string, shape: readonly number[]) => boolean;

/** One safetensors file of a checkpoint, every tensor widened to float32, the 2-D ones `transpose` picks transposed. */
export function readShard(file: string, transpose?: TransposeRule): ShardTensors {
  const bad = (why: string): never => {
    throw new HfWeightsError(`${file}: ${why}`);
  };
  const { buf, header, dataStart, dataLength } = readSafetensorsFile(file, bad);
  const out: ShardTensors = { tensors: {}, stored: {} };
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const code = typeof e.dtype === 'string' ? e.dtype : '';
    const size = bytesPer[code] ?? bad(`tensor '${name}': dtype ${JSON.stringify(e.dtype)} is not supported (F32, BF16, F16)`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) bad(`tensor '${name}': shape ${JSON.stringify(shape)} is not a list of sizes`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isInteger(o))) bad(`tensor '${name}': data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * size) bad(`tensor '${name}': ${end - begin} bytes for ${code}[${shape}] which needs ${count * size}`);
    if (begin < 0 || end > dataLength) bad(`truncated: tensor '${name}' ends at byte ${end} of the data, the file holds ${dataLength}`);
    const dims = shape as number[];
    const flip = dims.length === 2 && transpose?.(name, dims) === true ? ([dims[0]!, dims[1]!] as [number, number]) : undefined;
    const data = toFloat32(code, buf.subarray(dataStart + begin, dataStart + end), flip);
    out.tensors[name] = { dtype: 'float32', dims: flip ? [flip[1], flip[0]] : dims, data };
    out.stored[name] = code;
  }
  return out;
}

export interface CheckpointWeights extends ShardTensors {
  /** The file each tensor came from. */
  from: Record<string, string>;
  /** Every weight file, in the order read. */
  files: string[];
}

/** The weight files of a checkpoint folder: model.safetensors, or the shards its index lists (each checked to exist). */
export function weightFiles(dir: string): { files: string[]; index: Record<string, string> | null; indexFile: string | null } {
  const single = join(dir, 'model.safetensors');
  const indexFile = join(dir, 'model.safetensors.index.json');
  if (existsSync(single)) return { files: [single], index: null, indexFile: null };
  if (!existsSync(indexFile)) throw new HfWeightsError(`${dir}: no model.safetensors or model.safetensors.index.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(indexFile, 'utf8'));
  } catch (err) {
    throw new HfWeightsError(`${indexFile}: not JSON (${(err as Error).message})`, { cause: err });
  }
  const map = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new HfWeightsError(`${indexFile}: key 'weight_map' is missing or not an object`);
  const index: Record<string, string> = {};
  for (const [name, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\')) throw new HfWeightsError(`${indexFile}: key 'weight_map.${name}': ${JSON.stringify(shard)} is not a file name in the folder`);
    index[name] = shard;
  }
  const files = [...new Set(Object.values(index))].map((f) => join(dir, f));
  for (const f of files) {
    if (!existsSync(f)) {
      const example = Object.keys(index).find((k) => join(dir, index[k]!) === f)!;
      throw new HfWeightsError(`${indexFile}: shard ${JSON.stringify(f.slice(dir.length + 1))} (holding '${example}') is missing from ${dir}`);
    }
  }
  return { files, index, indexFile };
}

/** Every tensor of the checkpoint, by Hugging Face name, as float32; the index and the shards must agree. */
export function readCheckpointWeights(dir: string, transpose?: TransposeRule): CheckpointWeights {
  const { files, index, indexFile } = weightFiles(dir);
  const out: CheckpointWeights = { tensors: {}, stored: {}, from: {}, files };
  for (const file of files) {
    const shard = readShard(file, transpose);
    for (const [name, t] of Object.entries(shard.tensors)) {
      if (name in out.tensors) throw new HfWeightsError(`${file}: tensor '${name}' is also in ${out.from[name]}`);
      out.tensors[name] = t;
      out.stored[name] = shard.stored[name]!;
      out.from[name] = file;
    }
  }
  if (index && indexFile) {
    for (const [name, shard] of Object.entries(index)) {
      if (!(name in out.tensors)) throw new HfWeightsError(`${join(dir, shard)}: tensor '${name}' is missing (${indexFile} says this shard holds it)`);
    }
  }
  return out;
}
