import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';
import { ancestors } from './autodiff';
import { type DType, type Shape, type Tensor, type TensorData, GraphError } from './graph';
import { type Emitter, type OnnxAttr, onnxTypeCode, opTable } from './ops';

const { onnx } = onnxProto;

export const OPSET = 17;

export interface ValueSpec {
  name: string;
  dtype: DType;
  shape: Shape;
}

/** An emitted ONNX model and what it takes and gives; `key` identifies it for the session cache. */
export interface Program {
  bytes: Uint8Array;
  key: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  optimization: Optimization;
}

/**
 * ONNX Runtime's graph optimization level. 'all' (the default) adds its fused contrib kernels, which exist for
 * float32 only; float64 programs (gradient checks) use 'basic'.
 */
export type Optimization = 'basic' | 'all';

export interface EmitOptions {
  /** Values for params that don't train: they become initializers and stay resident in the session. */
  frozen?: ReadonlyMap<string, TensorData>;
  name?: string;
  optimization?: Optimization;
}

function tensorProto(name: string, data: TensorData, dims: readonly number[], dtype: DType): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, dims: [...dims], dataType: onnxTypeCode(dtype), rawData: bytes };
}

export function valueInfo(v: ValueSpec): onnxProto.onnx.IValueInfoProto {
  const dim = v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: v.name, type: { tensorType: { elemType: onnxTypeCode(v.dtype), shape: { dim } } } };
}

function attribute(name: string, v: OnnxAttr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: [...(v as number[])] };
  const { tensorValue, dtype } = v as { tensorValue: number; dtype: DType };
  return { name, type: T.TENSOR, t: tensorProto('', typedScalar(tensorValue, dtype), [1], dtype) };
}

function typedScalar(value: number, dtype: DType): TensorData {
  if (dtype === 'float32') return Float32Array.of(value);
  if (dtype === 'float64') return Float64Array.of(value);
  if (dtype === 'int64') return BigInt64Array.of(BigInt(value));
  return Uint8Array.of(value ? 1 : 0);
}

/** An ONNX graph before it becomes a model: a program's body, or a subgraph of another program (emit-loop.ts). */
export interface EmittedGraph {
  graph: onnxProto.onnx.IGraphProto;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
}

/** Writes the ONNX model computing `outputs` (named by their keys). */
export function emitProgram(outputs: Readonly<Record<string, Tensor>>, options: EmitOptions = {}): Program {
  return programOf(emitGraph(outputs, options), options.optimization ?? 'all');
}

/** The ONNX graph computing `outputs` (named by their keys). */
export function emitGraph(outputs: Readonly<Record<string, Tensor>>, options: EmitOptions = {}): EmittedGraph {
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  const inputs: ValueSpec[] = [];
  const names = new Map<number, string>();
  const leafNames = new Map<string, Tensor>();
  const constCache = new Map<string, string>();
  let counter = 0;
  const fresh = (): string => `v${counter++}`;

  const emitter: Emitter = {
    node(opType, ins, attrs = {}) {
      const out = fresh();
      nodes.push({
        opType,
        input: [...ins],
        output: [out],
        name: out,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      });
      return out;
    },
    constI64(values, scalar = false) {
      const key = `i64:${scalar}:${values.join(',')}`;
      let name = constCache.get(key);
      if (!name) {
        name = fresh();
        initializers.push(tensorProto(name, BigInt64Array.from(values, BigInt), scalar ? [] : [values.length], 'int64'));
        constCache.set(key, name);
      }
      return name;
    },
    scalar(value, dtype) {
      const key = `${dtype}:${value}`;
      let name = constCache.get(key);
      if (!name) {
        name = fresh();
        initializers.push(tensorProto(name, typedScalar(value, dtype), [], dtype));
        constCache.set(key, name);
      }
      return name;
    },
  };

  for (const t of ancestors(Object.values(outputs))) {
    if (t.leaf) {
      const { kind, name, data } = t.leaf;
      if (kind === 'constant') {
        const d = data!;
        if (d.length === 1 && t.rank === 0) names.set(t.id, emitter.scalar(Number(d[0]), t.dtype));
        else {
          const n = fresh();
          initializers.push(tensorProto(n, d, t.shape as number[], t.dtype));
          names.set(t.id, n);
        }
        continue;
      }
      const other = leafNames.get(name);
      if (other && other !== t) throw new GraphError(`two different tensors are named '${name}' (${other.site} and ${t.site})`);
      leafNames.set(name, t);
      names.set(t.id, name);
      const frozen = kind === 'param' ? options.frozen?.get(name) : undefined;
      if (frozen) {
        initializers.push(tensorProto(name, frozen, t.shape as number[], t.dtype));
      } else {
        inputs.push({ name, dtype: t.dtype, shape: t.shape });
      }
      continue;
    }
    const def = opTable[t.op]!;
    names.set(t.id, def.emit(emitter, t.inputs.map((x) => names.get(x.id)!), t));
  }

  // An output computed by a node takes that node's value name; an Identity copy is emitted only for leaves and
  // for a value that is returned under two names (ONNX Runtime copies every Identity that feeds an output).
  const producers = new Map<string, onnxProto.onnx.INodeProto>();
  for (const node of nodes) producers.set(node.output![0]!, node);
  const renamed = new Map<string, string>();
  const outSpecs: ValueSpec[] = Object.entries(outputs).map(([name, t]) => {
    if (leafNames.has(name)) throw new GraphError(`output '${name}' has the name of an input (${leafNames.get(name)!.site})`);
    const value = names.get(t.id)!;
    if (producers.has(value) && !renamed.has(value)) renamed.set(value, name);
    else nodes.push({ opType: 'Identity', input: [renamed.get(value) ?? value], output: [name], name: `out_${name}` });
    return { name, dtype: t.dtype, shape: t.shape };
  });
  for (const node of nodes) {
    node.input = node.input!.map((v) => renamed.get(v) ?? v);
    node.output = node.output!.map((v) => renamed.get(v) ?? v);
  }

  const graph: onnxProto.onnx.IGraphProto = {
    name: options.name ?? 'program',
    node: nodes,
    initializer: initializers,
    input: inputs.map(valueInfo),
    output: outSpecs.map(valueInfo),
  };
  return { graph, inputs, outputs: outSpecs };
}

/** The model around a graph, with the key that identifies it in the session cache. */
export function programOf(emitted: EmittedGraph, optimization: Optimization): Program {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'rewardranker-engine',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: emitted.graph,
  });
  const bytes = onnx.ModelProto.encode(model).finish();
  const key = createHash('sha256').update(bytes).update(optimization).digest('hex');
  return { bytes, key, inputs: emitted.inputs, outputs: emitted.outputs, optimization };
}
