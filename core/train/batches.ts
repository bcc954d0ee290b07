/**
 * Deterministic data order for step-based training: batch k is a function of (seed, k) alone, so a run resumed
 * from a checkpoint at step k draws exactly the batches the uninterrupted run would have.
 */
import type { HostTensor } from '../engine/protocol';
import { Rng } from '../engine/rng';

export class EpochOrder {
  private readonly perms = new Map<number, Uint32Array>();

  constructor(
    private readonly count: number,
    private readonly seed: number,
  ) {
    if (count === 0) throw new Error('training: no examples');
  }

  private perm(epoch: number): Uint32Array {
    let p = this.perms.get(epoch);
    if (!p) {
      const rng = new Rng((this.seed * 1000003 + epoch * 7919 + 1) >>> 0);
      p = Uint32Array.from({ length: this.count }, (_, i) => i);
      for (let i = p.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      this.perms.clear();
      this.perms.set(epoch, p);
    }
    return p;
  }

  /** Indices of the examples in batch `step` (0-based): consecutive slices of per-epoch shuffles. */
  batch(step: number, size: number): number[] {
    const out: number[] = [];
    for (let i = step * size; i < (step + 1) * size; i++) out.push(this.perm(Math.floor(i / this.count))[i % this.count]!);
    return out;
  }
}

export const i64 = (values: ArrayLike<number>, dims: number[]): HostTensor => ({ dtype: 'int64', dims, data: BigInt64Array.from(Array.from(values), BigInt) });
export const f32 = (values: ArrayLike<number>, dims: number[]): HostTensor => ({ dtype: 'float32', dims, data: Float32Array.from(values) });

/** Rows right-padded to the longest: ids (B, T) and a float mask (B, T), 1 on tokens. */
export function padRight(rows: readonly number[][], pad: number): { ids: HostTensor; mask: HostTensor } {
  const T = Math.max(...rows.map((r) => r.length));
  const ids = new Array<number>(rows.length * T).fill(pad);
  const mask = new Array<number>(rows.length * T).fill(0);
  rows.forEach((r, b) => r.forEach((tok, t) => ((ids[b * T + t] = tok), (mask[b * T + t] = 1))));
  return { ids: i64(ids, [rows.length, T]), mask: f32(mask, [rows.length, T]) };
}
