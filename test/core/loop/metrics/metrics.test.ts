import { describe, expect, it } from 'vitest';
import { fixedEdges, histogram } from '../../../../core/loop/metrics/histogram';
import { meanPassAtK, passAtK } from '../../../../core/loop/metrics/pass-at-k';
import { pairwiseAccuracy, rocAuc } from '../../../../core/train/ranking';
import { rerankMetrics } from '../../../../core/loop/metrics/rerank';
import type { Scored } from '../../../../core/train/scored';

function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** A seeded generator, so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('pass@k', () => {
  it('equals 1 - C(n-c,k)/C(n,k) computed exactly', () => {
    for (const n of [1, 5, 20, 200]) {
      for (const c of [0, 1, Math.floor(n / 3), n]) {
        for (const k of [1, 2, 10, 100].filter((k) => k <= n)) {
          const exact = 1 - Number((choose(n - c, k) * 10n ** 15n) / choose(n, k)) / 1e15;
          expect(passAtK(n, c, k)).toBeCloseTo(exact, 12);
        }
      }
    }
  });

  it('is c/n at k=1 and averages over problems', () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 15);
    expect(meanPassAtK([[10, 3], [10, 0], [4, 4]], 1)).toBeCloseTo((0.3 + 0 + 1) / 3, 15);
  });

  it('refuses impossible counts', () => {
    expect(() => passAtK(5, 6, 1)).toThrow(RangeError);
    expect(() => passAtK(5, 2, 6)).toThrow(/n=5, c=2, k=6/);
  });
});

describe('reranking metrics', () => {
  const p = (score: number): Scored => ({ score, passed: true });
  const f = (score: number): Scored => ({ score, passed: false });

  it('scores the top pick against random and oracle, and the gap it closes', () => {
    const m = rerankMetrics([
      [p(2), f(1), f(0), f(-1)], // pick passes; random 1/4
      [f(3), p(1)], // pick fails; random 1/2
      [f(0), f(1)], // no pass at all
      [p(5), f(5)], // tie at the top: half a pass
    ]);
    expect(m.rerankPass1).toBeCloseTo((1 + 0 + 0 + 0.5) / 4, 15);
    expect(m.randomPass1).toBeCloseTo((0.25 + 0.5 + 0 + 0.5) / 4, 15);
    expect(m.oraclePassN).toBeCloseTo(3 / 4, 15);
    expect(m.gapClosed).toBeCloseTo((0.375 - 0.3125) / (0.75 - 0.3125), 12);
    expect(m.problems).toBe(4);
  });

  it('has no gap to close when every sample agrees', () => {
    expect(rerankMetrics([[p(1), p(0)], [f(1)]]).gapClosed).toBeNull();
  });

  it('computes ROC-AUC as the share of correctly ordered pass/fail pairs, ties half', () => {
    const rand = lcg(7);
    const candidates: Scored[] = Array.from({ length: 300 }, () => ({
      score: Math.round(rand() * 20) / 4, // coarse scores make ties
      passed: rand() < 0.4,
    }));
    let pairs = 0;
    let right = 0;
    for (const a of candidates.filter((c) => c.passed)) {
      for (const b of candidates.filter((c) => !c.passed)) {
        pairs++;
        right += a.score > b.score ? 1 : a.score === b.score ? 0.5 : 0;
      }
    }
    expect(rocAuc(candidates)).toBeCloseTo(right / pairs, 12);
    expect(rocAuc([p(1), p(2)])).toBeNull();
    expect(rocAuc([p(2), f(1)])).toBe(1);
    expect(rocAuc([p(1), f(2)])).toBe(0);
  });

  it('counts pairwise accuracy only within a problem', () => {
    // Across problems the passing 0 would lose to the failing 5; within its own problem it wins.
    expect(pairwiseAccuracy([[p(0), f(-1)], [p(9), f(5), f(9)]])).toBeCloseTo((1 + 1 + 0.5) / 3, 15);
    expect(pairwiseAccuracy([[p(1)], [f(1)]])).toBeNull();
  });
});

describe('histograms', () => {
  it('use edges on whole steps that cover every value, shared between series', () => {
    const edges = fixedEdges([-1.2, 0.3, 2.6], 8);
    expect(edges[0]).toBe(-1.5);
    expect(edges[8]).toBe(3);
    expect(edges).toHaveLength(9);
  });

  it('count each value once, the top edge included, and ignore values outside', () => {
    const h = histogram([0, 0.5, 0.99, 1, 2, 2, -1, 3, Number.NaN], [0, 1, 2]);
    expect(h.counts).toEqual([3, 3]);
    expect(h.edges).toEqual([0, 1, 2]);
  });
});
