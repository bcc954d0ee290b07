import { describe, expect, it } from 'vitest';
import { findDisputes, type DisputeCandidate } from '../../../../core/loop/mining/disputes';
import { hardNegatives, type MinedCandidate } from '../../../../core/loop/mining/hard-negatives';
import { quantile } from '../../../../core/loop/mining/quantile';

const c = (id: number, problemId: number, score: number, passed: boolean): MinedCandidate => ({ id, problemId, score, passed });

describe('quantile', () => {
  it('interpolates like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75);
    expect(quantile([7], 0.9)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow(RangeError);
  });
});

describe('hard negatives', () => {
  const candidates = [
    c(1, 1, 3.0, true),
    c(2, 1, 1.0, true),
    c(3, 1, 3.5, false), // above the best passing
    c(4, 1, 2.0, false), // equal to the median passing score: not above it
    c(5, 1, 2.5, false), // above the median passing only
    c(6, 2, 0.5, false), // problem without passing: judged against all passing scores
    c(7, 2, 9.0, false),
  ];

  it('finds failing candidates above their problem’s best passing one, hardest first', () => {
    expect(hardNegatives(candidates, { rule: 'best-passing', quantile: 0.5 }).map((h) => h.id)).toEqual([7, 3]);
  });

  it('finds failing candidates above a quantile of passing scores', () => {
    const found = hardNegatives(candidates, { rule: 'quantile', quantile: 0.5 });
    expect(found.map((h) => h.id).sort()).toEqual([3, 5, 7]);
    expect(found.find((h) => h.id === 5)?.threshold).toBe(2);
  });

  it('finds none without any passing candidate to compare with', () => {
    expect(hardNegatives([c(1, 1, 5, false)], { rule: 'best-passing', quantile: 0.5 })).toEqual([]);
  });
});

describe('disputed samples', () => {
  const base = (over: Partial<DisputeCandidate> & { id: number }): DisputeCandidate => ({
    problemId: 1,
    score: 0,
    passed: true,
    statuses: ['OK'],
    wallMs: 10,
    timeoutMs: 1000,
    outputSignature: null,
    ...over,
  });
  const options = { confidence: 0.9, timeoutFraction: 0.8 };
  const kinds = (candidates: DisputeCandidate[]): Record<number, string[]> =>
    Object.fromEntries(findDisputes(candidates, options).map((d) => [d.id, d.reasons.map((r) => r.kind)]));

  it('flags confident disagreement with the verdict, in both directions', () => {
    const found = kinds([
      base({ id: 1, score: 5 }),
      base({ id: 2, score: 4 }),
      base({ id: 3, score: -5, passed: false, statuses: ['Exception'] }),
      base({ id: 4, score: -4, passed: false, statuses: ['Exception'] }),
      base({ id: 5, score: -6 }), // passes, reranker sure it fails
      base({ id: 6, score: 8, passed: false, statuses: ['Exception'] }), // fails, reranker sure it passes
    ]);
    expect(found).toEqual({ 5: ['reranker-disagrees'], 6: ['reranker-disagrees'] });
  });

  it('flags executions that cannot be trusted', () => {
    const found = kinds([
      base({ id: 1, passed: false, statuses: ['Timeout'], wallMs: 950 }),
      base({ id: 2, passed: false, statuses: ['Timeout'], wallMs: 200 }), // stopped by the CPU limit long before the wall limit: a busy loop, not a slow machine
      base({ id: 3, passed: false, statuses: ['SandboxError'] }),
      base({ id: 4, statuses: ['Exception', 'OK'] }),
    ]);
    expect(found[1]).toEqual(['inconclusive-execution']);
    expect(found[2]).toBeUndefined();
    expect(found[3]).toEqual(['inconclusive-execution']);
    expect(found[4]).toEqual(['inconclusive-execution']);
  });

  it('flags passing candidates whose outputs on extra inputs differ from the majority', () => {
    const found = findDisputes(
      [
        base({ id: 1, outputSignature: 'a' }),
        base({ id: 2, outputSignature: 'a' }),
        base({ id: 3, outputSignature: 'b' }),
        base({ id: 4, problemId: 2, outputSignature: 'x' }),
        base({ id: 5, problemId: 2, outputSignature: 'y' }),
        base({ id: 6, problemId: 3, outputSignature: 'z' }),
      ],
      options,
    );
    expect(found.map((d) => d.id).sort()).toEqual([3, 4, 5]);
    expect(found.find((d) => d.id === 3)?.reasons[0]?.detail).toMatch(/differ from 2 other passing/);
  });
});
