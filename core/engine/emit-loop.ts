/**
 * K steps of a program as one ONNX Loop, so state that one step updates (parameters, optimizer moments) is
 * loop-carried inside a single session run: on a GPU it stays in device memory for all K steps and crosses to
 * the host once, instead of twice per step. The step's graph becomes the Loop's body unchanged, its values
 * renamed under a prefix so they never clash with the outer graph's names.
 */
import onnxProto from 'onnx-proto';
import { type EmittedGraph, type Optimization, type Program, type ValueSpec, programOf, valueInfo } from './emit';
import { GraphError, type TensorData } from './graph';
import { onnxTypeCode } from './ops';

export interface LoopSpec {
  /** Step input -> the step output that becomes its value in the next step; the program returns the last. */
  carried: Readonly<Record<string, string>>;
  /** Step inputs fed stacked, [K, ...]: step i takes slice i. The program's K is their leading dim. */
  stacked: readonly string[];
  /** A scalar step input that counts steps: the program takes its value before the first step, step i sees it + i + 1. */
  counter?: string;
  /** Step output -> the program output stacking it over the K steps. */
  scanned: Readonly<Record<string, string>>;
}

const B = 'loop/';
const { INT, GRAPH } = onnxProto.onnx.AttributeProto.AttributeType;
type Node = onnxProto.onnx.INodeProto;

function spec(step: EmittedGraph, name: string, where: 'input' | 'output'): ValueSpec {
  const found = (where === 'input' ? step.inputs : step.outputs).find((v) => v.name === name);
  if (!found) throw new GraphError(`loop: the step program has no ${where} '${name}'`);
  return found;
}

function scalarTensor(name: string, value: number, dtype: ValueSpec['dtype']): onnxProto.onnx.ITensorProto {
  const data: TensorData = dtype === 'float64' ? Float64Array.of(value) : dtype === 'int64' ? BigInt64Array.of(BigInt(value)) : Float32Array.of(value);
  return { name, dims: [], dataType: onnxTypeCode(dtype), rawData: new Uint8Array(data.buffer) };
}

/** The step's graph with every value name under the body prefix (empty names mark omitted optional inputs). */
function renamedBody(step: EmittedGraph): { nodes: Node[]; initializers: onnxProto.onnx.ITensorProto[] } {
  const r = (v: string): string => (v === '' ? '' : B + v);
  const nodes = (step.graph.node ?? []).map((n) => ({ ...n, name: r(n.name ?? ''), input: (n.input ?? []).map(r), output: (n.output ?? []).map(r) }));
  const initializers = (step.graph.initializer ?? []).map((t) => ({ ...t, name: r(t.name ?? '') }));
  return { nodes, initializers };
}

export function emitLoopProgram(step: EmittedGraph, loop: LoopSpec, options: { name?: string; optimization?: Optimization } = {}): Program {
  const carriedIn = Object.keys(loop.carried);
  if (loop.stacked.length === 0) throw new GraphError('loop: at least one stacked input gives the number of steps');
  const { nodes, initializers } = renamedBody(step);

  // Body inputs: iteration number, condition, then the carried values (the counter first, when there is one).
  const bodyInputs: ValueSpec[] = [
    { name: `${B}iter`, dtype: 'int64', shape: [] },
    { name: `${B}cond`, dtype: 'bool', shape: [] },
  ];
  const bodyOutputs: ValueSpec[] = [{ name: `${B}cond.out`, dtype: 'bool', shape: [] }];
  const head: Node[] = [{ opType: 'Identity', input: [`${B}cond`], output: [`${B}cond.out`], name: `${B}cond.out` }];
  const outerInputs: ValueSpec[] = [];
  const loopInputs: string[] = [];
  const loopOutputs: string[] = [];

  if (loop.counter) {
    const c = spec(step, loop.counter, 'input');
    bodyInputs.push({ ...c, name: `${B}${c.name}.prev` });
    initializers.push(scalarTensor(`${B}${c.name}.one`, 1, c.dtype));
    head.push({ opType: 'Add', input: [`${B}${c.name}.prev`, `${B}${c.name}.one`], output: [B + c.name], name: B + c.name });
    bodyOutputs.push({ ...c, name: B + c.name });
    outerInputs.push(c);
    loopInputs.push(c.name);
    loopOutputs.push(`loop/last.${c.name}`);
  }
  for (const name of carriedIn) {
    const inSpec = spec(step, name, 'input');
    const outSpec = spec(step, loop.carried[name]!, 'output');
    if (inSpec.dtype !== outSpec.dtype || inSpec.shape.join() !== outSpec.shape.join()) {
      throw new GraphError(`loop: carried input '${name}' is ${inSpec.dtype}[${inSpec.shape}] but its next value '${outSpec.name}' is ${outSpec.dtype}[${outSpec.shape}]`);
    }
    bodyInputs.push({ ...inSpec, name: B + name });
    bodyOutputs.push({ ...outSpec, name: B + outSpec.name });
    outerInputs.push(inSpec);
    loopInputs.push(name);
    loopOutputs.push(outSpec.name);
  }
  for (const [out, as] of Object.entries(loop.scanned)) {
    const s = spec(step, out, 'output');
    bodyOutputs.push({ ...s, name: B + out });
    loopOutputs.push(as);
  }
  // Stacked inputs: slice i of the outer tensor. Any other step input is the same every step, read from outside.
  const taken = new Set([...carriedIn, ...loop.stacked, ...(loop.counter ? [loop.counter] : [])]);
  for (const name of loop.stacked) {
    const s = spec(step, name, 'input');
    outerInputs.push({ ...s, shape: ['K', ...s.shape] });
    head.push({ opType: 'Gather', input: [name, `${B}iter`], output: [B + name], name: B + name, attribute: [{ name: 'axis', type: INT, i: 0 }] });
  }
  for (const s of step.inputs) {
    if (taken.has(s.name)) continue;
    outerInputs.push(s);
    head.push({ opType: 'Identity', input: [s.name], output: [B + s.name], name: B + s.name });
  }

  const body: onnxProto.onnx.IGraphProto = {
    name: `${options.name ?? 'loop'}_body`,
    node: [...head, ...nodes],
    initializer: initializers,
    input: bodyInputs.map(valueInfo),
    output: bodyOutputs.map(valueInfo),
  };
  // K: the leading dim of the first stacked input, as the scalar trip count Loop takes.
  const first = loop.stacked[0]!;
  const outerNodes: Node[] = [
    { opType: 'Shape', input: [first], output: ['loop/shape'], name: 'loop/shape', attribute: [{ name: 'end', type: INT, i: 1 }] },
    { opType: 'Squeeze', input: ['loop/shape', 'loop/axis0'], output: ['loop/K'], name: 'loop/K' },
    {
      opType: 'Loop',
      input: ['loop/K', '', ...loopInputs],
      output: loopOutputs,
      name: 'loop',
      attribute: [{ name: 'body', type: GRAPH, g: body }],
    },
  ];
  const outputs: ValueSpec[] = [
    ...carriedIn.map((n) => spec(step, loop.carried[n]!, 'output')),
    ...Object.entries(loop.scanned).map(([out, as]) => ({ ...spec(step, out, 'output'), name: as, shape: ['K', ...spec(step, out, 'output').shape] })),
  ];
  const graph: onnxProto.onnx.IGraphProto = {
    name: options.name ?? 'loop',
    node: outerNodes,
    initializer: [{ name: 'loop/axis0', dims: [1], dataType: onnxTypeCode('int64'), rawData: new Uint8Array(BigInt64Array.of(0n).buffer) }],
    input: outerInputs.map(valueInfo),
    output: outputs.map(valueInfo),
  };
  return programOf({ graph, inputs: outerInputs, outputs }, options.optimization ?? 'all');
}
