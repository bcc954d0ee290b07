import { filterById, mapById, sources, type Elem, type Expr, type Param, type Source } from './grammar';
import type { PyValue } from './python';
import { reductionById, type Flowed } from './reductions';

/** One problem's structure: a point in the grammar with its constants. */
export interface Spec {
  readonly source: string;
  readonly arg: string;
  readonly filters: readonly { readonly id: string; readonly p: Param }[];
  readonly maps: readonly { readonly id: string; readonly p: Param }[];
  readonly reduction: string;
}

const sourceById = new Map(sources.map((s) => [s.id, s]));

export function sourceOf(spec: Spec): Source {
  const s = sourceById.get(spec.source);
  if (!s) throw new Error(`unknown source ${spec.source}`);
  return s;
}
const filterOf = (id: string) => {
  const f = filterById.get(id);
  if (!f) throw new Error(`unknown filter ${id}`);
  return f;
};
const mapOf = (id: string) => {
  const m = mapById.get(id);
  if (!m) throw new Error(`unknown map ${id}`);
  return m;
};
export const reductionOf = (spec: Spec) => {
  const r = reductionById.get(spec.reduction);
  if (!r) throw new Error(`unknown reduction ${spec.reduction}`);
  return r;
};

/** The type the maps produce, or null when the chain does not type-check (a wrong variant may not). */
export function outputType(spec: Spec): Elem | null {
  let t: Elem = sourceOf(spec).elem;
  for (const m of spec.maps) {
    const op = mapOf(m.id);
    if (op.from !== t) return null;
    t = op.to;
  }
  return t;
}

/** Whether the spec is a well-typed program (the generator's problems always are; wrong variants are checked). */
export function wellTyped(spec: Spec): boolean {
  const src = sourceOf(spec);
  const red = reductionOf(spec);
  const out = outputType(spec);
  if (out === null || !red.accepts.includes(out)) return false;
  if (spec.filters.some((f) => filterOf(f.id).elem !== src.elem)) return false;
  if (red.dict === 'only' && !src.dict) return false;
  if (red.dict === 'never' && src.dict) return false;
  if (red.needsFilter && spec.filters.length === 0) return false;
  if (red.noMap && spec.maps.length > 0) return false;
  return true;
}

/** The one-line reference body: `    return <expression>\n`. */
export function renderBody(spec: Spec): string {
  const src = sourceOf(spec);
  let expr: Expr = { text: src.v, prec: 5 };
  for (const m of spec.maps) expr = mapOf(m.id).py(expr, m.p);
  const conds = spec.filters.map((f) => filterOf(f.id).py(src.v, f.p));
  const out = outputType(spec) ?? src.elem;
  const text = reductionOf(spec).render({
    expr,
    v: src.v,
    iter: src.iter(spec.arg),
    cond: conds.length > 0 ? conds.join(' and ') : null,
    arg: spec.arg,
    out,
  });
  return `    return ${text}\n`;
}

/** What the reference returns for one input, or null where Python would raise. */
export function evaluate(spec: Spec, input: PyValue): PyValue | null {
  const src = sourceOf(spec);
  const out = outputType(spec);
  if (out === null) return null;
  const flow: Flowed[] = src.items(input).map(({ key, value }) => ({
    key,
    pass: spec.filters.every((f) => filterOf(f.id).test(value, f.p)),
    mapped: spec.maps.reduce<PyValue>((e, m) => mapOf(m.id).apply(e, m.p), value),
  }));
  return reductionOf(spec).evaluate(flow, out);
}

/** The combination a problem instantiates, without constants, source or wording: the unit of the split. */
export function combination(spec: Spec): string {
  const f = spec.filters.map((x) => x.id).sort().join('+') || '-';
  const m = spec.maps.map((x) => x.id).join('>') || '-';
  return `filter:${f} map:${m} reduce:${spec.reduction}`;
}

/** The parts a combination is made of (each must also occur in training). */
export function parts(spec: Spec): string[] {
  return [
    ...spec.filters.map((x) => `filter:${x.id}`),
    ...spec.maps.map((x) => `map:${x.id}`),
    `reduce:${spec.reduction}`,
  ];
}

export interface Variant {
  /** constant: one constant changed; structure: a part swapped for a similar one or dropped. */
  readonly kind: 'constant' | 'structure';
  readonly spec: Spec;
}

/** Wrong programs near the reference: what a near-miss sample looks like, and what the asserts must catch. */
export function variants(spec: Spec): Variant[] {
  const out: Variant[] = [];
  const withFilter = (i: number, f: { id: string; p: Param } | null): Spec => ({
    ...spec,
    filters: f === null ? spec.filters.filter((_, j) => j !== i) : spec.filters.map((x, j) => (j === i ? f : x)),
  });
  const withMap = (i: number, m: { id: string; p: Param } | null): Spec => ({
    ...spec,
    maps: m === null ? spec.maps.filter((_, j) => j !== i) : spec.maps.map((x, j) => (j === i ? m : x)),
  });
  spec.filters.forEach((f, i) => {
    const op = filterOf(f.id);
    for (const p of op.tweak(f.p)) out.push({ kind: 'constant', spec: withFilter(i, { id: f.id, p }) });
    if (op.sibling) out.push({ kind: 'structure', spec: withFilter(i, { id: op.sibling, p: f.p }) });
    out.push({ kind: 'structure', spec: withFilter(i, null) });
  });
  spec.maps.forEach((m, i) => {
    const op = mapOf(m.id);
    for (const p of op.tweak(m.p)) out.push({ kind: 'constant', spec: withMap(i, { id: m.id, p }) });
    // Siblings take the same kind of constant as the part they replace (grammar.ts pairs them so).
    if (op.sibling) out.push({ kind: 'structure', spec: withMap(i, { id: op.sibling, p: m.p }) });
    out.push({ kind: 'structure', spec: withMap(i, null) });
  });
  const red = reductionOf(spec);
  if (red.sibling) out.push({ kind: 'structure', spec: { ...spec, reduction: red.sibling } });
  return out.filter((v) => wellTyped(v.spec) && renderBody(v.spec) !== renderBody(spec));
}
