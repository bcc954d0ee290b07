/**
 * The primitive ops: for each, its shape rule, its ONNX emission and its VJP side by side (tinygrad's gradient
 * table). A VJP returns one gradient per input (null where none) shaped like the op's output broadcast; the
 * autodiff pass sums them back to each input's shape. Everything else (layer norms, GELU, attention, losses) is
 * built from these in composites.ts and needs no rule of its own.
 */
import {
  type Attrs,
  type DType,
  type Dim,
  type Shape,
  type TensorData,
  Tensor,
  broadcastShapes,
  callSite,
  dimProduct,
  fail,
  formatShape,
  isFloat,
  normAxis,
  staticSize,
} from './graph';

/** What an op's emission may ask of the ONNX writer. */
export interface Emitter {
  node(opType: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>): string;
  constI64(values: readonly number[], scalar?: boolean): string;
  scalar(value: number, dtype: DType): string;
}
export type OnnxAttr = number | string | readonly number[] | { tensorValue: number; dtype: DType };

interface OpDef {
  infer(x: readonly Tensor[], a: Attrs, site: string): { shape: Shape; dtype: DType };
  emit(e: Emitter, ins: readonly string[], t: Tensor): string;
  /** Absent: the op passes no gradient (integer or boolean results, gradient-only scatter ops). */
  vjp?(g: Tensor, t: Tensor): readonly (Tensor | null)[];
}

const attrNum = (t: Tensor, k: string): number => t.attrs[k] as number;
const attrNums = (t: Tensor, k: string): readonly number[] => t.attrs[k] as readonly number[];

function sameFloat(op: string, site: string, x: readonly Tensor[]): DType {
  const dtype = x[0]!.dtype;
  if (!isFloat(dtype)) fail(op, site, `needs a float tensor, got ${x[0]}`);
  for (const t of x) if (t.dtype !== dtype) fail(op, site, `mixes ${dtype} and ${t.dtype} (${x.join(', ')})`);
  return dtype;
}

const binary = (onnx: string, vjp: OpDef['vjp']): OpDef => ({
  infer: (x, _a, site) => ({ shape: broadcastShapes(onnx, site, x[0]!.shape, x[1]!.shape), dtype: binaryType(onnx, site, x) }),
  emit: (e, ins) => e.node(onnx, ins),
  vjp,
});

function binaryType(op: string, site: string, x: readonly Tensor[]): DType {
  if (x[0]!.dtype !== x[1]!.dtype) fail(op, site, `mixes ${x[0]!.dtype} and ${x[1]!.dtype} (${x[0]}, ${x[1]})`);
  return x[0]!.dtype;
}

const unary = (onnx: string, vjp: (g: Tensor, t: Tensor) => Tensor): OpDef => ({
  infer: (x, _a, site) => ({ shape: x[0]!.shape, dtype: sameFloat(onnx, site, x) }),
  emit: (e, ins) => e.node(onnx, ins),
  vjp: (g, t) => [vjp(g, t)],
});

const compare = (onnx: string): OpDef => ({
  infer: (x, _a, site) => {
    binaryType(onnx, site, x);
    return { shape: broadcastShapes(onnx, site, x[0]!.shape, x[1]!.shape), dtype: 'bool' };
  },
  emit: (e, ins) => e.node(onnx, ins),
});

export const opTable: Record<string, OpDef> = {
  Add: binary('Add', (g) => [g, g]),
  Sub: binary('Sub', (g) => [g, neg(g)]),
  Mul: binary('Mul', (g, t) => [mul(g, t.inputs[1]!), mul(g, t.inputs[0]!)]),
  Div: binary('Div', (g, t) => [div(g, t.inputs[1]!), neg(div(mul(g, t), t.inputs[1]!))]),
  Neg: unary('Neg', (g) => neg(g)),
  Exp: unary('Exp', (g, t) => mul(g, t)),
  Log: unary('Log', (g, t) => div(g, t.inputs[0]!)),
  Sqrt: unary('Sqrt', (g, t) => div(mul(g, 0.5), t)),
  Tanh: unary('Tanh', (g, t) => mul(g, sub(1, mul(t, t)))),
  Sigmoid: unary('Sigmoid', (g, t) => mul(g, mul(t, sub(1, t)))),
  Relu: unary('Relu', (g, t) => where(greater(t.inputs[0]!, 0), g, 0)),
  Pow: {
    infer: (x, _a, site) => ({ shape: x[0]!.shape, dtype: sameFloat('Pow', site, x) }),
    emit: (e, ins, t) => e.node('Pow', [ins[0]!, e.scalar(attrNum(t, 'p'), t.dtype)]),
    vjp: (g, t) => [mul(g, mul(pow(t.inputs[0]!, attrNum(t, 'p') - 1), attrNum(t, 'p')))],
  },
  Equal: compare('Equal'),
  Less: compare('Less'),
  LessOrEqual: compare('LessOrEqual'),
  Greater: compare('Greater'),
  Where: {
    infer: (x, _a, site) => {
      if (x[0]!.dtype !== 'bool') fail('Where', site, `condition must be bool, got ${x[0]}`);
      const shape = broadcastShapes('Where', site, broadcastShapes('Where', site, x[0]!.shape, x[1]!.shape), x[2]!.shape);
      return { shape, dtype: binaryType('Where', site, [x[1]!, x[2]!]) };
    },
    emit: (e, ins) => e.node('Where', ins),
    vjp: (g, t) => [null, where(t.inputs[0]!, g, 0), where(t.inputs[0]!, 0, g)],
  },
  Cast: {
    infer: (x, a) => ({ shape: x[0]!.shape, dtype: a.to as DType }),
    emit: (e, ins, t) => e.node('Cast', ins, { to: onnxTypeCode(t.dtype) }),
    vjp: (g, t) => [isFloat(t.inputs[0]!.dtype) ? cast(g, t.inputs[0]!.dtype) : null],
  },
  Detach: {
    infer: (x) => ({ shape: x[0]!.shape, dtype: x[0]!.dtype }),
    emit: (e, ins) => e.node('Identity', ins),
    vjp: () => [null],
  },
  MatMul: {
    infer: (x, _a, site) => {
      const [a, b] = [x[0]!, x[1]!];
      if (a.rank < 2 || b.rank < 2) fail('MatMul', site, `needs rank >= 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
      const k1 = a.shape[a.rank - 1]!;
      const k2 = b.shape[b.rank - 2]!;
      if (k1 !== k2) fail('MatMul', site, `inner dims differ: ${formatShape(a.shape)} @ ${formatShape(b.shape)} (${k1} vs ${k2})`);
      const batch = broadcastShapes('MatMul', site, a.shape.slice(0, -2), b.shape.slice(0, -2));
      return { shape: [...batch, a.shape[a.rank - 2]!, b.shape[b.rank - 1]!], dtype: binaryType('MatMul', site, x) };
    },
    emit: (e, ins) => e.node('MatMul', ins),
    vjp: (g, t) => {
      const [a, b] = [t.inputs[0]!, t.inputs[1]!];
      const ga = matmul(g, swapLast(b));
      if (b.rank === 2 && a.rank > 2) {
        // A weight shared over the batch: one (K, B*T) @ (B*T, N) product instead of a batched one and a sum.
        const k = a.shape[a.rank - 1]!;
        const n = g.shape[g.rank - 1]!;
        const a2 = reshape(a, [dimProduct(a.shape.slice(0, -1)), k]);
        const g2 = reshape(g, [dimProduct(g.shape.slice(0, -1)), n]);
        return [ga, matmul(transpose(a2, [1, 0]), g2)];
      }
      return [ga, matmul(swapLast(a), g)];
    },
  },
  Transpose: {
    infer: (x, a, site) => {
      const perm = a.perm as readonly number[];
      const sorted = [...perm].sort((p, q) => p - q);
      if (perm.length !== x[0]!.rank || sorted.some((p, i) => p !== i)) {
        fail('Transpose', site, `perm [${perm}] is not a permutation of the ${x[0]!.rank} axes of ${formatShape(x[0]!.shape)}`);
      }
      return { shape: perm.map((p) => x[0]!.shape[p]!), dtype: x[0]!.dtype };
    },
    emit: (e, ins, t) => e.node('Transpose', ins, { perm: attrNums(t, 'perm') }),
    vjp: (g, t) => {
      const perm = attrNums(t, 'perm');
      const inv = perm.map((_, i) => perm.indexOf(i));
      return [transpose(g, inv)];
    },
  },
  Reshape: {
    infer: (x, a, site) => {
      const target = a.shape as readonly Dim[];
      const odd = target.find((d) => typeof d === 'number' && !(Number.isInteger(d) && d > 0));
      if (odd !== undefined) fail('Reshape', site, `target dim ${odd} in ${formatShape(target)} is not a positive integer`);
      if (!sameSize(x[0]!.shape, target)) {
        fail('Reshape', site, `can't reshape ${formatShape(x[0]!.shape)} to ${formatShape(target)}: sizes differ`);
      }
      reshapeSpec(x[0]!.shape, target, site);
      return { shape: target, dtype: x[0]!.dtype };
    },
    emit: (e, ins, t) => e.node('Reshape', [ins[0]!, e.constI64(reshapeSpec(t.inputs[0]!.shape, t.shape, t.site))]),
    vjp: (g, t) => [reshapeBack(g, t.inputs[0]!)],
  },
  ReshapeLike: {
    infer: (x, _a, site) => {
      if (!sameSize(x[0]!.shape, x[1]!.shape)) {
        fail('Reshape', site, `can't reshape ${formatShape(x[0]!.shape)} to ${formatShape(x[1]!.shape)}: sizes differ`);
      }
      return { shape: x[1]!.shape, dtype: x[0]!.dtype };
    },
    emit: (e, ins) => e.node('Reshape', [ins[0]!, e.node('Shape', [ins[1]!])]),
    vjp: (g, t) => [reshapeBack(g, t.inputs[0]!), null],
  },
  Unsqueeze: {
    infer: (x, a) => {
      const shape: Dim[] = [...x[0]!.shape];
      for (const ax of [...(a.axes as number[])].sort((p, q) => p - q)) shape.splice(ax, 0, 1);
      return { shape, dtype: x[0]!.dtype };
    },
    emit: (e, ins, t) => e.node('Unsqueeze', [ins[0]!, e.constI64(attrNums(t, 'axes'))]),
    vjp: (g, t) => [squeeze(g, attrNums(t, 'axes'))],
  },
  Squeeze: {
    infer: (x, a, site) => {
      const axes = (a.axes as number[]).map((ax) => normAxis('Squeeze', site, ax, x[0]!.rank));
      for (const ax of axes) if (x[0]!.shape[ax] !== 1) fail('Squeeze', site, `axis ${ax} of ${formatShape(x[0]!.shape)} is not 1`);
      return { shape: x[0]!.shape.filter((_, i) => !axes.includes(i)), dtype: x[0]!.dtype };
    },
    emit: (e, ins, t) => e.node('Squeeze', [ins[0]!, e.constI64(attrNums(t, 'axes'))]),
    vjp: (g, t) => [unsqueeze(g, attrNums(t, 'axes'))],
  },
  ExpandLike: {
    infer: (x, _a, site) => ({ shape: broadcastShapes('Expand', site, x[0]!.shape, x[1]!.shape), dtype: x[0]!.dtype }),
    emit: (e, ins) => e.node('Expand', [ins[0]!, e.node('Shape', [ins[1]!])]),
    vjp: (g) => [g, null],
  },
  ReduceSum: {
    infer: (x, a, site) => reduceShape('ReduceSum', x[0]!, a, site),
    emit: (e, ins, t) => e.node('ReduceSum', [ins[0]!, e.constI64(attrNums(t, 'axes'))], { keepdims: attrNum(t, 'keepdims') }),
    vjp: (g, t) => {
      const kept = attrNum(t, 'keepdims') ? g : unsqueeze(g, attrNums(t, 'axes'));
      return [expandLike(kept, t.inputs[0]!)];
    },
  },
  ReduceMax: {
    infer: (x, a, site) => reduceShape('ReduceMax', x[0]!, a, site),
    emit: (e, ins, t) => e.node('ReduceMax', ins, { axes: attrNums(t, 'axes'), keepdims: attrNum(t, 'keepdims') }),
    vjp: (g, t) => {
      // Ties share nothing: every maximal element receives the full gradient (as ONNX Runtime's own rule does).
      const x = t.inputs[0]!;
      const keep = (y: Tensor): Tensor => (attrNum(t, 'keepdims') ? y : unsqueeze(y, attrNums(t, 'axes')));
      return [where(equal(x, keep(t)), expandLike(keep(g), x), 0)];
    },
  },
  Softmax: {
    infer: (x, a, site) => (normAxis('Softmax', site, a.axis as number, x[0]!.rank), { shape: x[0]!.shape, dtype: sameFloat('Softmax', site, x) }),
    emit: (e, ins, t) => e.node('Softmax', ins, { axis: attrNum(t, 'axis') }),
    vjp: (g, t) => [mul(t, sub(g, sum(mul(g, t), [attrNum(t, 'axis')], true)))],
  },
  LogSoftmax: {
    infer: (x, a, site) => (normAxis('LogSoftmax', site, a.axis as number, x[0]!.rank), { shape: x[0]!.shape, dtype: sameFloat('LogSoftmax', site, x) }),
    emit: (e, ins, t) => e.node('LogSoftmax', ins, { axis: attrNum(t, 'axis') }),
    vjp: (g, t) => [sub(g, mul(exp(t), sum(g, [attrNum(t, 'axis')], true)))],
  },
  Concat: {
    infer: (x, a, site) => {
      const axis = normAxis('Concat', site, a.axis as number, x[0]!.rank);
      const shape: Dim[] = [...x[0]!.shape];
      const parts: Dim[] = [];
      for (const t of x) {
        if (t.rank !== shape.length || t.dtype !== x[0]!.dtype || t.shape.some((d, i) => i !== axis && d !== shape[i])) {
          fail('Concat', site, `can't concatenate ${x.map((v) => v.toString()).join(' and ')} along axis ${axis}`);
        }
        parts.push(t.shape[axis]!);
      }
      shape[axis] = dimSum(parts);
      return { shape, dtype: x[0]!.dtype };
    },
    emit: (e, ins, t) => e.node('Concat', ins, { axis: attrNum(t, 'axis') }),
    vjp: (g, t) => {
      const axis = normAxis('Concat', t.site, attrNum(t, 'axis'), t.rank);
      let start = 0;
      return t.inputs.map((x) => {
        const d = x.shape[axis]!;
        if (typeof d !== 'number') fail('Concat', t.site, `the gradient needs static sizes along axis ${axis}, got ${x}`);
        const part = slice(g, axis, start, start + d);
        start += d;
        return part;
      });
    },
  },
  Slice: {
    infer: (x, a, site) => {
      const axis = normAxis('Slice', site, a.axis as number, x[0]!.rank);
      const [start, end] = [a.start as number, a.end as number];
      const d = x[0]!.shape[axis]!;
      if (start < 0 || (end >= 0 && end < start) || (typeof d === 'number' && (start > d || end > d))) {
        fail('Slice', site, `[${start}, ${end < 0 ? 'end' : end}) is out of range for axis ${axis} of ${formatShape(x[0]!.shape)}`);
      }
      const shape: Dim[] = [...x[0]!.shape];
      if (end >= 0) shape[axis] = end - start;
      else if (typeof d === 'number') shape[axis] = d - start;
      else shape[axis] = start === 0 ? d : `${d}-${start}`;
      return { shape, dtype: x[0]!.dtype };
    },
    emit: (e, ins, t) => {
      const end = attrNum(t, 'end');
      return e.node('Slice', [ins[0]!, e.constI64([attrNum(t, 'start')]), e.constI64([end < 0 ? 2 ** 62 : end]), e.constI64([attrNum(t, 'axis')])]);
    },
    vjp: (g, t) => {
      const x = t.inputs[0]!;
      const axis = normAxis('Slice', t.site, attrNum(t, 'axis'), x.rank);
      const d = x.shape[axis]!;
      const end = attrNum(t, 'end');
      if (end >= 0 && typeof d !== 'number') fail('Slice', t.site, `the gradient needs a static axis ${axis} in ${x}`);
      const after = end < 0 ? 0 : (d as number) - end;
      return [apply('Pad', [g], { axis, before: attrNum(t, 'start'), after }, t.site)];
    },
  },
  Pad: {
    infer: (x, a) => {
      const shape: Dim[] = [...x[0]!.shape];
      const d = shape[a.axis as number]!;
      shape[a.axis as number] = typeof d === 'number' ? d + (a.before as number) + (a.after as number) : `${d}+${a.before}+${a.after}`;
      return { shape, dtype: x[0]!.dtype };
    },
    emit: (e, ins, t) => {
      const pads = new Array<number>(2 * t.rank).fill(0);
      pads[attrNum(t, 'axis')] = attrNum(t, 'before');
      pads[t.rank + attrNum(t, 'axis')] = attrNum(t, 'after');
      return e.node('Pad', [ins[0]!, e.constI64(pads)]);
    },
    vjp: (g, t) => {
      const before = attrNum(t, 'before');
      const d = t.inputs[0]!.shape[attrNum(t, 'axis')]!;
      return [slice(g, attrNum(t, 'axis'), before, typeof d === 'number' && attrNum(t, 'after') > 0 ? before + d : -1)];
    },
  },
  Gather: {
    infer: (x, _a, site) => {
      if (x[1]!.dtype !== 'int64') fail('Gather', site, `indices must be int64, got ${x[1]}`);
      return { shape: [...x[1]!.shape, ...x[0]!.shape.slice(1)], dtype: x[0]!.dtype };
    },
    emit: (e, ins) => e.node('Gather', ins, { axis: 0 }),
    vjp: (g, t) => [apply('ScatterAddRows', [g, t.inputs[1]!, t.inputs[0]!], {}, t.site), null],
  },
  /**
   * Gather's gradient: rows of g added into zeros shaped like the table. For tables up to ONE_HOT_MAX_ROWS rows it is
   * one_hot(idx)^T @ g, a MatMul whose sums run in a fixed order, so a training run repeats bit for bit across
   * processes (ORT's ScatterND with reduction 'add' does not: measured, SFT losses drifted in the 4th digit).
   * Larger tables (imported vocabularies) keep the scatter, which costs no V x N product.
   */
  ScatterAddRows: {
    infer: (x) => ({ shape: x[2]!.shape, dtype: x[0]!.dtype }),
    emit: (e, ins, t) => {
      const table = t.inputs[2]!.shape;
      const rows = table[0];
      if (typeof rows === 'number' && rows <= ONE_HOT_MAX_ROWS && table.length === 2 && typeof table[1] === 'number') {
        const flatIdx = e.node('Reshape', [ins[1]!, e.constI64([-1])]);
        const flatG = e.node('Reshape', [ins[0]!, e.constI64([-1, table[1]])]);
        const oneHot = e.node('OneHot', [flatIdx, e.constI64([rows], true), e.constI64([0, 1])], { axis: -1 });
        const weights = e.node('Cast', [oneHot], { to: onnxTypeCode(t.dtype) });
        return e.node('MatMul', [e.node('Transpose', [weights], { perm: [1, 0] }), flatG]);
      }
      const zeros = e.node('ConstantOfShape', [e.node('Shape', [ins[2]!])], { value: { tensorValue: 0, dtype: t.dtype } });
      const idx = e.node('Unsqueeze', [ins[1]!, e.constI64([-1])]);
      return e.node('ScatterND', [zeros, idx, ins[0]!], { reduction: 'add' });
    },
  },
  GatherElements: {
    infer: (x, a, site) => {
      if (x[1]!.dtype !== 'int64') fail('GatherElements', site, `indices must be int64, got ${x[1]}`);
      if (x[1]!.rank !== x[0]!.rank) fail('GatherElements', site, `indices ${x[1]} and data ${x[0]} differ in rank`);
      normAxis('GatherElements', site, a.axis as number, x[0]!.rank);
      return { shape: x[1]!.shape, dtype: x[0]!.dtype };
    },
    emit: (e, ins, t) => e.node('GatherElements', ins, { axis: attrNum(t, 'axis') }),
    vjp: (g, t) => [apply('ScatterAddElements', [g, t.inputs[1]!, t.inputs[0]!], t.attrs, t.site), null],
  },
  ScatterAddElements: {
    infer: (x) => ({ shape: x[2]!.shape, dtype: x[0]!.dtype }),
    emit: (e, ins, t) => {
      const zeros = e.node('ConstantOfShape', [e.node('Shape', [ins[2]!])], { value: { tensorValue: 0, dtype: t.dtype } });
      return e.node('ScatterElements', [zeros, ins[1]!, ins[0]!], { axis: attrNum(t, 'axis'), reduction: 'add' });
    },
  },
  /** [0, 1, ..., n-1] where n is dim `axis` of the reference tensor (static or symbolic). */
  Arange: {
    infer: (x, a, site) => ({ shape: [x[0]!.shape[normAxis('Arange', site, a.axis as number, x[0]!.rank)]!], dtype: 'int64' }),
    emit: (e, ins, t) => {
      const axis = normAxis('Arange', t.site, attrNum(t, 'axis'), t.inputs[0]!.rank);
      const n = e.node('Squeeze', [e.node('Shape', [ins[0]!], { start: axis, end: axis + 1 }), e.constI64([0])]);
      return e.node('Range', [e.constI64([0], true), n, e.constI64([1], true)]);
    },
  },
};

function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 1], perm[x.rank - 2]] = [perm[x.rank - 2]!, perm[x.rank - 1]!];
  return transpose(x, perm);
}

function reshapeBack(g: Tensor, x: Tensor): Tensor {
  try {
    return apply('Reshape', [g], { shape: x.shape }, g.site);
  } catch {
    return apply('ReshapeLike', [g, x], {}, g.site);
  }
}

function reduceShape(op: string, x: Tensor, a: Attrs, site: string): { shape: Shape; dtype: DType } {
  const axes = (a.axes as readonly number[]).map((ax) => normAxis(op, site, ax, x.rank));
  const shape = a.keepdims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return { shape, dtype: sameFloat(op, site, [x]) };
}

/** A dim as a sorted list of symbol factors and a numeric factor, so 'T*B' and 'B*T' compare equal. */
function factors(dims: readonly Dim[]): string {
  let n = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') n *= d;
    else {
      for (const part of d.split('*')) {
        if (/^\d+$/.test(part)) n *= Number(part);
        else syms.push(part);
      }
    }
  }
  return `${syms.sort().join('*')}|${n}`;
}

function sameSize(a: Shape, b: Shape): boolean {
  const sa = staticSize(a);
  const sb = staticSize(b);
  if (sa !== null && sb !== null) return sa === sb;
  return factors(a) === factors(b);
}

function dimSum(parts: readonly Dim[]): Dim {
  if (parts.every((d) => typeof d === 'number')) return (parts as number[]).reduce((p, q) => p + q, 0);
  return parts.join('+');
}

/** ONNX Reshape's shape input: 0 keeps a symbol in place, -1 infers one dim; more than one unknown is an error. */
function reshapeSpec(from: Shape, to: Shape, site: string): number[] {
  let inferred = 0;
  const spec = to.map((d, i) => {
    if (typeof d === 'number') return d;
    if (from[i] === d) return 0;
    inferred++;
    return -1;
  });
  if (inferred > 1) {
    fail('Reshape', site, `${formatShape(from)} -> ${formatShape(to)} has more than one symbolic dim that moves: use reshapeLike`);
  }
  return spec;
}

/** Tables with at most this many rows take Gather's deterministic one-hot gradient (see ScatterAddRows). */
export const ONE_HOT_MAX_ROWS = 8192;

export function onnxTypeCode(dtype: DType): number {
  return { float32: 1, float64: 11, int64: 7, bool: 9 }[dtype];
}

// ---------------------------------------------------------------------------------------------------------------
// Building nodes. Numbers stand for scalar constants of the other operand's type.

export function apply(op: string, inputs: readonly Tensor[], attrs: Attrs = {}, site: string = callSite()): Tensor {
  const def = opTable[op];
  if (!def) throw new Error(`unknown op ${op}`);
  const { shape, dtype } = def.infer(inputs, attrs, site);
  return new Tensor(op, inputs, attrs, shape, dtype, site);
}

export function constant(data: TensorData, shape: Shape, dtype: DType): Tensor {
  return new Tensor('Leaf', [], {}, shape, dtype, callSite(), { kind: 'constant', name: 'const', data });
}

export function scalarOf(value: number, dtype: DType): Tensor {
  const data =
    dtype === 'float32' ? Float32Array.of(value)
    : dtype === 'float64' ? Float64Array.of(value)
    : dtype === 'int64' ? BigInt64Array.of(BigInt(value))
    : Uint8Array.of(value ? 1 : 0);
  return constant(data, [], dtype);
}

/** A value fed at every run. */
export function input(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor('Leaf', [], {}, shape, dtype, callSite(), { kind: 'input', name });
}

/** A parameter: fed (trainable) or embedded as an initializer (frozen), decided when the program is emitted. */
export function param(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
  if (staticSize(shape) === null) fail('param', callSite(), `parameter ${name} needs a static shape, got ${formatShape(shape)}`);
  return new Tensor('Leaf', [], {}, shape, dtype, callSite(), { kind: 'param', name });
}

type Operand = Tensor | number;
function pair(a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new Error('at least one operand must be a tensor');
  const ta = typeof a === 'number' ? scalarOf(a, (b as Tensor).dtype) : a;
  const tb = typeof b === 'number' ? scalarOf(b, ta.dtype) : b;
  return [ta, tb];
}

export const add = (a: Operand, b: Operand): Tensor => apply('Add', pair(a, b));
export const sub = (a: Operand, b: Operand): Tensor => apply('Sub', pair(a, b));
export const mul = (a: Operand, b: Operand): Tensor => apply('Mul', pair(a, b));
export const div = (a: Operand, b: Operand): Tensor => apply('Div', pair(a, b));
export const neg = (x: Tensor): Tensor => apply('Neg', [x]);
export const exp = (x: Tensor): Tensor => apply('Exp', [x]);
export const log = (x: Tensor): Tensor => apply('Log', [x]);
export const sqrt = (x: Tensor): Tensor => apply('Sqrt', [x]);
export const tanh = (x: Tensor): Tensor => apply('Tanh', [x]);
export const sigmoid = (x: Tensor): Tensor => apply('Sigmoid', [x]);
export const relu = (x: Tensor): Tensor => apply('Relu', [x]);
export const pow = (x: Tensor, p: number): Tensor => apply('Pow', [x], { p });
export const equal = (a: Operand, b: Operand): Tensor => apply('Equal', pair(a, b));
export const less = (a: Operand, b: Operand): Tensor => apply('Less', pair(a, b));
export const lessOrEqual = (a: Operand, b: Operand): Tensor => apply('LessOrEqual', pair(a, b));
export const greater = (a: Operand, b: Operand): Tensor => apply('Greater', pair(a, b));
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const [ta, tb] = pair(a, b);
  return apply('Where', [cond, ta, tb]);
}
export const cast = (x: Tensor, to: DType): Tensor => (x.dtype === to ? x : apply('Cast', [x], { to }));
export const detach = (x: Tensor): Tensor => apply('Detach', [x]);
export const matmul = (a: Tensor, b: Tensor): Tensor => apply('MatMul', [a, b]);
export const transpose = (x: Tensor, perm: readonly number[]): Tensor => apply('Transpose', [x], { perm });
export const reshape = (x: Tensor, shape: Shape): Tensor => apply('Reshape', [x], { shape });
export const reshapeLike = (x: Tensor, ref: Tensor): Tensor => apply('ReshapeLike', [x, ref]);
export const expandLike = (x: Tensor, ref: Tensor): Tensor => apply('ExpandLike', [x, ref]);
export const unsqueeze = (x: Tensor, axes: readonly number[]): Tensor =>
  apply('Unsqueeze', [x], { axes: axes.map((a) => (a < 0 ? a + x.rank + axes.length : a)) });
export const squeeze = (x: Tensor, axes: readonly number[]): Tensor => apply('Squeeze', [x], { axes });
export const sum = (x: Tensor, axes: readonly number[], keepdims = false): Tensor =>
  apply('ReduceSum', [x], { axes, keepdims: keepdims ? 1 : 0 });
export const max = (x: Tensor, axes: readonly number[], keepdims = false): Tensor =>
  apply('ReduceMax', [x], { axes, keepdims: keepdims ? 1 : 0 });
export const softmax = (x: Tensor, axis = -1): Tensor => apply('Softmax', [x], { axis });
export const logSoftmax = (x: Tensor, axis = -1): Tensor => apply('LogSoftmax', [x], { axis });
export const concat = (xs: readonly Tensor[], axis: number): Tensor => apply('Concat', xs, { axis });
/** x[start:end] along axis; end -1 means to the end. */
export const slice = (x: Tensor, axis: number, start: number, end = -1): Tensor => apply('Slice', [x], { axis, start, end });
export const gather = (table: Tensor, indices: Tensor): Tensor => apply('Gather', [table, indices]);
export const gatherElements = (x: Tensor, indices: Tensor, axis: number): Tensor =>
  apply('GatherElements', [x, indices], { axis });
export const arange = (ref: Tensor, axis: number): Tensor => apply('Arange', [ref], { axis });

/** Sums a broadcast gradient back to the shape of the input it flows to. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  let r = lead > 0 ? apply('ReduceSum', [g], { axes: [...Array(lead).keys()], keepdims: 0 }, g.site) : g;
  const ones = shape.flatMap((d, i) => (d === 1 && r.shape[i] !== 1 ? [i] : []));
  if (ones.length) r = apply('ReduceSum', [r], { axes: ones, keepdims: 1 }, g.site);
  return r;
}
