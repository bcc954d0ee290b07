export interface Histogram {
  /** bins + 1 ascending edges; bin i counts values in [edges[i], edges[i+1]), the last bin also its upper edge. */
  edges: number[];
  counts: number[];
}

/**
 * Edges shared by every histogram that will be drawn together (passing vs failing, this iteration vs the last):
 * the values' range widened to whole multiples of `step`, so the same scores always land in the same bins.
 */
export function fixedEdges(values: Iterable<number>, bins: number, step = 0.5): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === Infinity) return [0, 1];
  const start = Math.floor(lo / step) * step;
  let end = Math.ceil(hi / step) * step;
  if (end <= start) end = start + step;
  return Array.from({ length: bins + 1 }, (_, i) => start + ((end - start) * i) / bins);
}

export function histogram(values: Iterable<number>, edges: readonly number[]): Histogram {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const lo = edges[0]!;
  const hi = edges[bins]!;
  for (const v of values) {
    if (!(v >= lo && v <= hi)) continue;
    // Binary search: edges need not be evenly spaced.
    let a = 0;
    let b = bins - 1;
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (v >= edges[mid]!) a = mid;
      else b = mid - 1;
    }
    counts[a]!++;
  }
  return { edges: [...edges], counts };
}
