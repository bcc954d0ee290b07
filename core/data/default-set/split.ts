import type { Rng } from './rng';

export interface SplitItem {
  readonly combination: string;
  readonly parts: readonly string[];
}

/**
 * The split rule: whole combinations (filters x maps x reduction, constants, source and wording aside) are held
 * out, so no held-out problem shares its combination with any training problem. Combinations are visited in a
 * seeded random order and held out while the held-out problems number fewer than `fraction` of all, skipping any
 * combination whose holding-out would leave one of its parts (a filter, a map or a reduction) absent from training:
 * held-out problems are new combinations of known parts, never unknown parts.
 */
export function heldOutCombinations(items: readonly SplitItem[], rng: Rng, fraction: number): Set<string> {
  const problems = new Map<string, number>();
  const partsOf = new Map<string, readonly string[]>();
  const partCount = new Map<string, number>();
  for (const item of items) {
    problems.set(item.combination, (problems.get(item.combination) ?? 0) + 1);
    partsOf.set(item.combination, item.parts);
    for (const p of item.parts) partCount.set(p, (partCount.get(p) ?? 0) + 1);
  }
  const target = Math.round(items.length * fraction);
  const held = new Set<string>();
  let heldProblems = 0;
  for (const combination of rng.shuffle([...problems.keys()].sort())) {
    if (heldProblems >= target) break;
    const n = problems.get(combination) ?? 0;
    const ps = partsOf.get(combination) ?? [];
    if (ps.some((p) => (partCount.get(p) ?? 0) - n <= 0)) continue;
    for (const p of ps) partCount.set(p, (partCount.get(p) ?? 0) - n);
    held.add(combination);
    heldProblems += n;
  }
  return held;
}
