import { filters, maps, sources, variantOnlyMaps, type Elem, type Source } from './grammar';
import { reductions, type Reduction } from './reductions';
import type { Rng } from './rng';
import { wellTyped, type Spec } from './spec';

// How often each source is drawn: lists and strings carry most of the variety, ranges and digits less.
const sourceWeights: Record<string, number> = { list: 5, range1: 2, range0: 1.5, digits: 2, dict: 2.5, chars: 3, words: 3 };

function weighted<T>(rng: Rng, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((a, t) => a + weight(t), 0);
  let x = rng.next() * total;
  for (const t of items) {
    x -= weight(t);
    if (x < 0) return t;
  }
  return items[items.length - 1] as T;
}

function allowed(r: Reduction, src: Source): boolean {
  return r.dict === 'only' ? src.dict : r.dict === 'never' ? !src.dict : true;
}

/**
 * Draws one point of the grammar: a source, a reduction it allows, zero to two filters of different families and
 * zero to two maps whose types chain from the source's element type to one the reduction accepts. Returns null
 * when the draw does not type-check (the caller draws again).
 */
export function sampleSpec(rng: Rng): Spec | null {
  const src = weighted(rng, sources, (s) => sourceWeights[s.id] ?? 1);
  const red = weighted(
    rng,
    reductions.filter((r) => allowed(r, src)),
    (r) => (r.dict === 'only' ? 3 : 1),
  );

  const nFilters = red.needsFilter ? rng.pick([1, 1, 2]) : rng.pick([0, 1, 1, 2]);
  const chosenFilters: { id: string; p: ReturnType<(typeof filters)[number]['choose']> }[] = [];
  const families = new Set<string>();
  for (let i = 0; i < nFilters; i++) {
    const options = filters.filter(
      (f) => f.elem === src.elem && (!f.negativeOnly || src.negative) && !families.has(f.family),
    );
    if (options.length === 0) break;
    const f = rng.pick(options);
    families.add(f.family);
    chosenFilters.push({ id: f.id, p: f.choose(rng, src) });
  }

  let nMaps = red.noMap ? 0 : rng.pick([0, 1, 1, 2]);
  if (nMaps === 0 && chosenFilters.length === 0 && !red.noMap) nMaps = 1;
  const chosenMaps: { id: string; p: ReturnType<(typeof maps)[number]['choose']> }[] = [];
  const mapFamilies = new Set<string>();
  let t: Elem = src.elem;
  for (let i = 0; i < nMaps; i++) {
    const options = maps.filter(
      (m) =>
        m.from === t && !variantOnlyMaps.has(m.id) && (!m.negativeOnly || src.negative) && !mapFamilies.has(m.family),
    );
    if (options.length === 0) break;
    const m = rng.pick(options);
    mapFamilies.add(m.family);
    chosenMaps.push({ id: m.id, p: m.choose(rng) });
    t = m.to;
  }

  const spec: Spec = {
    source: src.id,
    arg: rng.pick(src.args),
    filters: chosenFilters,
    maps: chosenMaps,
    reduction: red.id,
  };
  return wellTyped(spec) ? spec : null;
}
