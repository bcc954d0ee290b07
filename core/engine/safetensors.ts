/**
 * safetensors reading and writing: an 8-byte little-endian header length, a JSON header (dtype, shape and byte
 * range of each tensor, plus string metadata), then the raw little-endian data. Every malformed file is
 * reported in one line naming the file and what is wrong with it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { DType } from './graph';
import type { HostTensor } from './protocol';

const codes: Record<DType, string> = { float32: 'F32', float64: 'F64', int64: 'I64', bool: 'BOOL' };
const sizes: Record<string, number> = { F32: 4, F64: 8, I64: 8, BOOL: 1 };
const dtypes: Record<string, DType> = { F32: 'float32', F64: 'float64', I64: 'int64', BOOL: 'bool' };

export interface SafeTensors {
  tensors: Record<string, HostTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

/** Writes atomically (a temporary file renamed over the target), so a crash never leaves half a checkpoint. */
export function writeSafetensors(file: string, tensors: Record<string, HostTensor>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name]!;
    const end = offset + t.data.byteLength;
    header[name] = { dtype: codes[t.dtype], shape: t.dims, data_offsets: [offset, end] };
    offset = end;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces to a multiple of 8 so the data that follows is aligned.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const d = tensors[name]!.data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(out, at);
    at += d.byteLength;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, file);
}

export interface SafetensorsFile {
  buf: Buffer;
  /** The JSON header: tensor name (or __metadata__) -> its entry, not yet checked. */
  header: Record<string, unknown>;
  /** Where the data section starts in `buf`, and its length in bytes. */
  dataStart: number;
  dataLength: number;
}

/**
 * Reads a safetensors file and its JSON header, checking only the framing (length, JSON object); `bad` throws the
 * caller's error for a one-line message about the file, so each reader keeps its own error class.
 */
export function readSafetensorsFile(file: string, bad: (why: string) => never): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    return bad(`can't be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (buf.length < 8) bad(`truncated: ${buf.length} bytes, shorter than the 8-byte header length`);
  const headerLength = buf.readBigUInt64LE(0);
  if (headerLength > BigInt(buf.length - 8)) bad(`truncated: the header claims ${headerLength} bytes, the file has ${buf.length - 8} after the length`);
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  } catch (err) {
    bad(`the header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad('the header is not a JSON object');
  return { buf, header: header as Record<string, unknown>, dataStart: 8 + n, dataLength: buf.length - 8 - n };
}

export function readSafetensors(file: string): SafeTensors {
  const bad = (why: string): never => {
    throw new SafetensorsError(`${file}: ${why}`);
  };
  const { buf, header, dataStart, dataLength } = readSafetensorsFile(file, bad);
  const tensors: Record<string, HostTensor> = {};
  let metadata: Record<string, string> = {};
  let covered = 0;
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Object.values(entry).some((v) => typeof v !== 'string')) {
        bad('__metadata__ must map names to strings');
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const code = typeof e.dtype === 'string' ? e.dtype : '';
    const dtype = dtypes[code] ?? bad(`tensor '${name}': dtype ${JSON.stringify(e.dtype)} is not supported (F32, F64, I64, BOOL)`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) bad(`tensor '${name}': shape ${JSON.stringify(shape)} is not a list of sizes`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isInteger(o))) {
      bad(`tensor '${name}': data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * sizes[code]!) {
      bad(`tensor '${name}': ${end - begin} bytes for ${code}[${shape}] which needs ${count * sizes[code]!}`);
    }
    if (begin < 0 || end > dataLength) bad(`truncated: tensor '${name}' ends at byte ${end} of the data, the file holds ${dataLength}`);
    covered += end - begin;
    // Copy into a fresh, aligned buffer: the file's data need not be aligned for the typed array.
    const bytes = new Uint8Array(end - begin);
    bytes.set(buf.subarray(dataStart + begin, dataStart + end));
    const data =
      dtype === 'float32' ? new Float32Array(bytes.buffer)
      : dtype === 'float64' ? new Float64Array(bytes.buffer)
      : dtype === 'int64' ? new BigInt64Array(bytes.buffer)
      : bytes;
    tensors[name] = { dtype, dims: shape as number[], data };
  }
  if (covered !== dataLength) bad(`the tensors cover ${covered} bytes of data but the file holds ${dataLength}`);
  return { tensors, metadata };
}
