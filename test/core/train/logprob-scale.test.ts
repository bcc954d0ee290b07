import { describe, expect, it } from 'vitest';
import { fitLogProbScale } from '../../../core/train/logprob-scale';

const loss = (a: number, s: { diff: number; weight: number }[], ridge: number): number =>
  s.reduce((t, x) => t + x.weight * Math.log1p(Math.exp(-a * x.diff)), 0) + (ridge * s.reduce((t, x) => t + x.weight, 0) * a * a) / 2;

describe('fitLogProbScale', () => {
  it('finds the minimum of the Bradley-Terry loss in the scale (checked against a grid)', () => {
    const samples = [0.3, 0.1, -0.05, 0.2, 0.4, -0.2, 0.15, 0.05].map((diff) => ({ diff, weight: 1 }));
    const a = fitLogProbScale(samples);
    let best = 0;
    for (let g = 0; g <= 100; g += 0.01) if (loss(g, samples, 1e-3) < loss(best, samples, 1e-3)) best = g;
    expect(a).toBeCloseTo(best, 1);
    expect(a).toBeGreaterThan(1); // small differences that mostly agree with the labels want a scale well above 1
  });

  it('gives 0 when the log-prob disagrees with the labels, and stays finite when it separates them', () => {
    expect(fitLogProbScale([{ diff: -0.3, weight: 1 }, { diff: -0.1, weight: 2 }])).toBe(0);
    const separable = fitLogProbScale([{ diff: 0.3, weight: 1 }, { diff: 0.1, weight: 1 }]);
    expect(separable).toBeGreaterThan(5);
    expect(separable).toBeLessThanOrEqual(100);
  });

  it('keeps the start value when there is nothing to fit', () => {
    expect(fitLogProbScale([], { start: 1 })).toBe(1);
  });
});
