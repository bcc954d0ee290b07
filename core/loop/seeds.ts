import { Rng } from '../engine/rng';

/** A seed for one purpose in one iteration, derived from the run's seed, so every stage's randomness is replayable. */
export function stageSeed(runSeed: number, iteration: number, purpose: string, offset = 0): number {
  let h = 0x811c9dc5 ^ (runSeed >>> 0);
  for (const ch of `${purpose}:${iteration}:${offset}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h >>> 1;
}

/** The first `count` items of a seeded shuffle (Fisher-Yates), in shuffled order. */
export function seededPick<T>(items: readonly T[], count: number, seed: number): T[] {
  const copy = [...items];
  const rng = new Rng(seed);
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, Math.min(count, copy.length));
}
