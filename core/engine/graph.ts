import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tensor graph: immutable nodes with build-time shapes. A dimension is a number or a symbol ('B', 'T', 'B*T')
 * that stays symbolic in the emitted ONNX, so one session serves every batch and sequence length.
 */

export type FloatType = 'float32' | 'float64';
export type DType = FloatType | 'int64' | 'bool';
export type Dim = number | string;
export type Shape = readonly Dim[];
export type AttrValue = number | string | readonly number[] | readonly Dim[];
export type Attrs = Readonly<Record<string, AttrValue>>;

/** How a leaf gets its value: fed at run time, a parameter (fed or embedded), or embedded constant data. */
export type LeafKind = 'input' | 'param' | 'constant';
export type TensorData = Float32Array | Float64Array | BigInt64Array | Uint8Array;

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly attrs: Attrs,
    readonly shape: Shape,
    readonly dtype: DType,
    /** The user-code line that built this node, for build-time errors. */
    readonly site: string,
    readonly leaf: { kind: LeafKind; name: string; data?: TensorData } | null = null,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `${this.leaf ? this.leaf.name : this.op}${formatShape(this.shape)}:${this.dtype}`;
  }
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function isFloat(dtype: DType): dtype is FloatType {
  return dtype === 'float32' || dtype === 'float64';
}

/** A bad graph, reported while building it: names the op, the shapes and the user's line. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
}

const engineDir = dirname(fileURLToPath(import.meta.url)) + sep;

/** The first stack frame outside the engine's own files: where the user's code asked for this op. */
export function callSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  const frame = stack.find((line) => !line.includes(engineDir) && !line.includes('node:internal'));
  const m = frame?.match(/\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/);
  if (!m?.[1]) return 'unknown location';
  return m[1].replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
}

export function fail(op: string, site: string, message: string): never {
  throw new GraphError(`${op}: ${message} (at ${site})`);
}

/** Number of elements when all dims are static, else null. */
export function staticSize(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

/** Numpy broadcasting of two shapes; symbols broadcast only against themselves or 1. */
export function broadcastShapes(op: string, site: string, a: Shape, b: Shape): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else fail(op, site, `shapes ${formatShape(a)} and ${formatShape(b)} don't broadcast (dim ${i}: ${da} vs ${db})`);
  }
  return out;
}

export function normAxis(op: string, site: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(op, site, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** The product of dims as a dim: a number when all are static, else a symbol like 'B*T'. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let n = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') n *= d;
    else syms.push(d);
  }
  if (syms.length === 0) return n;
  return n === 1 ? syms.join('*') : [...syms, String(n)].join('*');
}
