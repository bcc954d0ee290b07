/**
 * Scaled rotary positions, as Hugging Face's configs name them (`rope_scaling`): the frequency of each rotary pair
 * (and, for YaRN, a factor on cos and sin) computed as transformers' ROPE_INIT_FUNCTIONS compute them.
 * - linear: every frequency divided by the factor (position interpolation; older Llama-2 long-context models).
 * - llama3: Llama 3.1/3.2's split: high frequencies kept, low ones divided by the factor, a smooth ramp between.
 * - yarn: Qwen2.5's long-context setting: frequencies blended between kept and divided along a ramp over the
 *   rotations each pair makes in the original context, cos and sin scaled by 0.1 ln(factor) + 1.
 * 'dynamic' (NTK) changes nothing up to max_position_embeddings, which caps the positions a run builds, so the
 * importer reads it as unscaled; every other type is refused by the importer in one line.
 */
import { z } from 'zod';

const factor = z.number().gt(0).describe('how many times longer the context is than the one the model was trained on');
const originalMaxPositions = z.number().int().positive().describe("the context length before scaling (the config's original_max_position_embeddings)");

export const ropeScalingSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('linear'), factor }).strict(),
  z
    .object({
      type: z.literal('llama3'),
      factor,
      lowFreqFactor: z.number().positive().describe('wavelengths longer than originalMaxPositions / lowFreqFactor are divided by the factor'),
      highFreqFactor: z.number().positive().describe('wavelengths shorter than originalMaxPositions / highFreqFactor are kept'),
      originalMaxPositions,
    })
    .strict(),
  z
    .object({
      type: z.literal('yarn'),
      factor,
      originalMaxPositions,
      betaFast: z.number().positive().default(32).describe('pairs making more rotations than this in the original context keep their frequency'),
      betaSlow: z.number().positive().default(1).describe('pairs making fewer rotations than this are divided by the factor'),
      attentionFactor: z.number().positive().nullable().default(null).describe('factor on cos and sin; null: 0.1 ln(factor) + 1'),
    })
    .strict(),
]);

export type RopeScaling = z.output<typeof ropeScalingSchema>;

export interface RopeFrequencies {
  /** One inverse frequency per rotary pair, D/2 of them. */
  invFreq: Float64Array;
  /** Multiplies cos and sin (YaRN's attention temperature); 1 otherwise. */
  attentionFactor: number;
}

/** The rotary frequencies of a head of size `headSize` with base `theta`, scaled as `scaling` says. */
export function ropeFrequencies(headSize: number, theta: number, scaling?: RopeScaling): RopeFrequencies {
  const half = headSize / 2;
  const invFreq = Float64Array.from({ length: half }, (_, i) => theta ** (-(2 * i) / headSize));
  if (!scaling) return { invFreq, attentionFactor: 1 };
  if (scaling.type === 'linear') return { invFreq: invFreq.map((f) => f / scaling.factor), attentionFactor: 1 };
  if (scaling.type === 'llama3') {
    const lowWavelen = scaling.originalMaxPositions / scaling.lowFreqFactor;
    const highWavelen = scaling.originalMaxPositions / scaling.highFreqFactor;
    const scaled = invFreq.map((f) => {
      const wavelen = (2 * Math.PI) / f;
      if (wavelen < highWavelen) return f;
      if (wavelen > lowWavelen) return f / scaling.factor;
      const smooth = (scaling.originalMaxPositions / wavelen - scaling.lowFreqFactor) / (scaling.highFreqFactor - scaling.lowFreqFactor);
      return (1 - smooth) * (f / scaling.factor) + smooth * f;
    });
    return { invFreq: scaled, attentionFactor: 1 };
  }
  // YaRN: the pair index at which a pair makes `rotations` turns over the original context.
  const correctionDim = (rotations: number): number =>
    (headSize * Math.log(scaling.originalMaxPositions / (rotations * 2 * Math.PI))) / (2 * Math.log(theta));
  const low = Math.max(Math.floor(correctionDim(scaling.betaFast)), 0);
  let high = Math.min(Math.ceil(correctionDim(scaling.betaSlow)), headSize - 1);
  if (low === high) high += 0.001; // transformers' guard against a zero-width ramp
  const scaled = invFreq.map((f, i) => {
    const keep = 1 - Math.min(1, Math.max(0, (i - low) / (high - low)));
    return (f / scaling.factor) * (1 - keep) + f * keep;
  });
  const attentionFactor = scaling.attentionFactor ?? (scaling.factor <= 1 ? 1 : 0.1 * Math.log(scaling.factor) + 1);
  return { invFreq: scaled, attentionFactor };
}
