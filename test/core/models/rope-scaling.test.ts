import { expect, test } from 'vitest';
import { rotaryTables } from '../../../core/engine/composites';
import { ropeFrequencies, ropeScalingSchema } from '../../../core/models/rope-scaling';

const D = 64;
const theta = 500000;
const unscaled = ropeFrequencies(D, theta).invFreq;

test('linear scaling: position 2p with factor 2 turns every pair as far as position p unscaled', () => {
  const scaled = ropeFrequencies(D, theta, ropeScalingSchema.parse({ type: 'linear', factor: 2 }));
  const plain = rotaryTables(16, D, theta);
  const linear = rotaryTables(32, D, theta, scaled);
  for (let p = 0; p < 16; p++) {
    for (let i = 0; i < D / 2; i++) {
      expect(linear.cos[2 * p * (D / 2) + i]).toBeCloseTo(plain.cos[p * (D / 2) + i]!, 6);
      expect(linear.sin[2 * p * (D / 2) + i]).toBeCloseTo(plain.sin[p * (D / 2) + i]!, 6);
    }
  }
  // Unscaled tables are what they were before scaling existed: the same values through either path.
  expect(rotaryTables(16, D, theta, ropeFrequencies(D, theta))).toEqual(plain);
});

test("llama3 scaling (Llama 3.2's values) keeps short wavelengths, divides long ones, and ramps between", () => {
  const s = ropeScalingSchema.parse({ type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 });
  const { invFreq, attentionFactor } = ropeFrequencies(D, theta, s);
  expect(attentionFactor).toBe(1);
  let kept = 0;
  let divided = 0;
  unscaled.forEach((f, i) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < 8192 / 4) {
      expect(invFreq[i]).toBe(f);
      kept++;
    } else if (wavelen > 8192) {
      expect(invFreq[i]).toBeCloseTo(f / 32, 12);
      divided++;
    } else {
      expect(invFreq[i]! > f / 32 && invFreq[i]! < f).toBe(true);
    }
  });
  expect(kept).toBeGreaterThan(0);
  expect(divided).toBeGreaterThan(0);
  // Monotone: a longer wavelength never turns faster after scaling.
  for (let i = 1; i < D / 2; i++) expect(invFreq[i]!).toBeLessThan(invFreq[i - 1]!);
});

test('yarn scaling (Qwen2.5 long context): fast pairs kept, slow pairs divided, cos and sin scaled by 0.1 ln(factor) + 1', () => {
  const s = ropeScalingSchema.parse({ type: 'yarn', factor: 4, originalMaxPositions: 32768 });
  const { invFreq, attentionFactor } = ropeFrequencies(D, 1000000, s);
  const plain = ropeFrequencies(D, 1000000).invFreq;
  expect(attentionFactor).toBeCloseTo(0.1 * Math.log(4) + 1, 12);
  expect(invFreq[0]).toBe(plain[0]);
  expect(invFreq[D / 2 - 1]).toBeCloseTo(plain[D / 2 - 1]! / 4, 15);
  // Pairs that make more than beta_fast = 32 turns in the original context keep their frequency.
  plain.forEach((f, i) => {
    if ((32768 * f) / (2 * Math.PI) > 32 * 1.5) expect(invFreq[i]).toBe(f);
  });
  const tables = rotaryTables(2, D, 1000000, { invFreq, attentionFactor });
  expect(tables.cos[0]).toBeCloseTo(attentionFactor, 6);
  expect(ropeFrequencies(D, 1000000, ropeScalingSchema.parse({ type: 'yarn', factor: 4, originalMaxPositions: 32768, attentionFactor: 1 })).attentionFactor).toBe(1);
});
