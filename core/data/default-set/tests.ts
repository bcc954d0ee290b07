import { pyRepr, type PyValue } from './python';
import type { Rng } from './rng';
import { evaluate, sourceOf, variants, type Spec, type Variant } from './spec';

export interface TestCases {
  readonly inputs: readonly PyValue[];
  readonly outputs: readonly PyValue[];
  /** The wrong variants these asserts catch (every constant variant, and the structural ones they can). */
  readonly caught: readonly Variant[];
}

const POOL = 40;

/**
 * Picks `count` inputs from a random pool so the asserts catch as many near-miss variants as possible (greedy set
 * cover). A problem whose constant variants cannot all be caught (a constant that changes nothing on any input,
 * like `d > 9` over digits) is rejected with null, so every test in the set discriminates its own constants.
 */
export function chooseTests(spec: Spec, rng: Rng, count: number): TestCases | null {
  const src = sourceOf(spec);
  const seen = new Set<string>();
  const pool: { input: PyValue; output: PyValue; repr: string }[] = [];
  for (let i = 0; i < POOL; i++) {
    const input = src.input(rng);
    const key = pyRepr(input);
    if (seen.has(key)) continue;
    seen.add(key);
    const output = evaluate(spec, input);
    if (output !== null) pool.push({ input, output, repr: pyRepr(output) });
  }
  if (pool.length < count) return null;

  const wrong = variants(spec);
  // catches[v][i]: variant v returns something else on pool input i (or raises there).
  const catches = wrong.map((w) =>
    pool.map((t) => {
      const out = evaluate(w.spec, t.input);
      return out === null || pyRepr(out) !== t.repr;
    }),
  );
  const weight = wrong.map((w) => (w.kind === 'constant' ? 3 : 1));
  const alive = new Set(wrong.keys());
  const chosen: number[] = [];
  while (chosen.length < count) {
    let best = -1;
    let bestScore = -1;
    pool.forEach((t, i) => {
      if (chosen.includes(i)) return;
      let score = 0;
      for (const v of alive) if (catches[v]![i]) score += weight[v]!;
      // Among equals prefer an output not asserted yet, so the asserts show different behaviours.
      if (!chosen.some((c) => pool[c]!.repr === t.repr)) score += 0.5;
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    });
    chosen.push(best);
    for (const v of [...alive]) if (catches[v]![best]) alive.delete(v);
  }
  if ([...alive].some((v) => wrong[v]!.kind === 'constant') || alive.size === wrong.length) return null;
  const outputs = chosen.map((i) => pool[i]!.output);
  if (new Set(outputs.map(pyRepr)).size < 2) return null;
  return {
    inputs: chosen.map((i) => pool[i]!.input),
    outputs,
    caught: wrong.filter((_, v) => !alive.has(v)),
  };
}
