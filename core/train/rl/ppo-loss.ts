/**
 * The PPO / GRPO objective as a graph for the Trainer: the clipped surrogate over the completion's tokens, the
 * clipped value loss (PPO), an optional entropy bonus and, for GRPO, the k3 KL to the reference in the loss.
 * Built from primitive ops (clamp and elementwise max are Where over a comparison), so it needs no gradient rule.
 * Token frame: position t of idx predicts targets[t]; mask is 1 on the completion's real tokens.
 */
import type { Tensor } from '../../engine/graph';
import { add, cast, detach, div, exp, gatherElements, greater, less, logSoftmax, mul, softmax, squeeze, sub, sum, unsqueeze, where } from '../../engine/ops';
import { type Params, type TransformerConfig, lmLogits, scalarHead, transformerHidden } from '../../models/transformer';
import type { LossWithMetrics } from '../../engine/trainer';

export interface PpoLossConfig {
  algorithm: 'ppo' | 'grpo';
  temperature: number;
  clipRange: number;
  clipRangeValue: number;
  valueCoef: number;
  entropyCoef: number;
  /** GRPO: coefficient of mean k3(policy, reference) added to the loss (PPO puts KL in the reward instead). */
  klLossCoef: number;
  /** PPO: 'separate' leaves the value loss to the critic's own trainer (valueLoss below); default 'shared'. */
  critic?: 'shared' | 'separate';
}

export const ppoLossInputs = {
  idx: { shape: ['B', 'T'], dtype: 'int64' },
  targets: { shape: ['B', 'T'], dtype: 'int64' },
  mask: { shape: ['B', 'T'], dtype: 'float32' },
  oldLogp: { shape: ['B', 'T'], dtype: 'float32' },
  refLogp: { shape: ['B', 'T'], dtype: 'float32' },
  advantages: { shape: ['B', 'T'], dtype: 'float32' },
  returns: { shape: ['B', 'T'], dtype: 'float32' },
  oldValues: { shape: ['B', 'T'], dtype: 'float32' },
} as const;

export const clamp = (x: Tensor, lo: number, hi: number): Tensor => where(less(x, lo), lo, where(greater(x, hi), hi, x));
/** Elementwise max: the gradient goes to the larger side (to a on ties). */
export const maximum = (a: Tensor, b: Tensor): Tensor => where(less(a, b), b, a);
const maskedMean = (x: Tensor, mask: Tensor): Tensor => div(sum(mul(x, mask), [0, 1]), add(sum(mask, [0, 1]), 1e-8));

/** log p(target) under softmax(logits / temperature): (B, T, V) logits -> (B, T). */
export function targetLogProbs(logits: Tensor, targets: Tensor, temperature: number): Tensor {
  const scaled = temperature === 1 ? logits : mul(logits, 1 / temperature);
  return squeeze(gatherElements(logSoftmax(scaled, -1), unsqueeze(targets, [-1]), -1), [-1]);
}

/** Clipped surrogate max(-A r, -A clip(r, 1 - eps, 1 + eps)) per token, with the share of tokens where the clip binds. */
export function clippedSurrogate(logp: Tensor, oldLogp: Tensor, advantages: Tensor, eps: number): { perToken: Tensor; clipped: Tensor; logRatio: Tensor } {
  const logRatio = clamp(sub(logp, oldLogp), -20, 20);
  const ratio = exp(logRatio);
  const unclipped = mul(mul(advantages, ratio), -1);
  const clippedLoss = mul(mul(advantages, clamp(ratio, 1 - eps, 1 + eps)), -1);
  return { perToken: maximum(unclipped, clippedLoss), clipped: cast(less(unclipped, clippedLoss), logRatio.dtype), logRatio };
}

/** 0.5 max((V - R)^2, (clip(V, V_old +- eps) - R)^2) per token. */
export function clippedValueLoss(values: Tensor, oldValues: Tensor, returns: Tensor, eps: number): Tensor {
  const vClipped = add(oldValues, clamp(sub(values, oldValues), -eps, eps));
  const a = sub(values, returns);
  const b = sub(vClipped, returns);
  return mul(maximum(mul(a, a), mul(b, b)), 0.5);
}

/** Entropy of softmax(z) per position: -sum p log p. */
export function entropy(logits: Tensor): Tensor {
  return mul(sum(mul(softmax(logits, -1), logSoftmax(logits, -1)), [-1]), -1);
}

export function ppoLoss(cfg: TransformerConfig, loss: PpoLossConfig, p: Params, x: Params): LossWithMetrics {
  const { hidden } = transformerHidden(cfg, p, x.idx!); // (B, T, C)
  const logits = lmLogits(cfg, p, hidden); // (B, T, V)
  const scaled = loss.temperature === 1 ? logits : mul(logits, 1 / loss.temperature);
  const logp = targetLogProbs(logits, x.targets!, loss.temperature); // (B, T)
  const mask = x.mask!;
  const { perToken, clipped, logRatio } = clippedSurrogate(logp, x.oldLogp!, x.advantages!, loss.clipRange);
  const pg = maskedMean(perToken, mask);
  const ent = maskedMean(entropy(scaled), mask);
  let total = loss.entropyCoef > 0 ? sub(pg, mul(ent, loss.entropyCoef)) : pg;
  const metrics: Record<string, Tensor> = {
    policyLoss: detach(pg),
    entropy: detach(ent),
    clipFraction: detach(maskedMean(clipped, mask)),
    // TRL's approx KL between the rollout policy and the current one: 0.5 E[(log ratio)^2].
    approxKl: detach(maskedMean(mul(mul(logRatio, logRatio), 0.5), mask)),
  };
  if (loss.algorithm === 'ppo' && loss.critic !== 'separate') {
    const vl = maskedMean(clippedValueLoss(scalarHead(p, 'value', hidden), x.oldValues!, x.returns!, loss.clipRangeValue), mask);
    total = add(total, mul(vl, loss.valueCoef));
    metrics.valueLoss = detach(vl);
  }
  if (loss.klLossCoef > 0) {
    const d = clamp(sub(x.refLogp!, logp), -20, 20);
    const k3 = clamp(sub(sub(exp(d), 1), d), -10, 10);
    const kl = maskedMean(k3, mask);
    total = add(total, mul(kl, loss.klLossCoef));
    metrics.klLoss = detach(kl);
  }
  return { loss: total, metrics };
}

export const valueLossInputs = {
  idx: { shape: ['B', 'T'], dtype: 'int64' },
  mask: { shape: ['B', 'T'], dtype: 'float32' },
  returns: { shape: ['B', 'T'], dtype: 'float32' },
  oldValues: { shape: ['B', 'T'], dtype: 'float32' },
} as const;

/**
 * A separate critic's objective: the clipped value loss alone, over the critic's own backbone and value head (its
 * config may differ from the policy's, e.g. a critic started from the process reward model).
 */
export function valueLoss(cfg: TransformerConfig, clipRangeValue: number, p: Params, x: Params): LossWithMetrics {
  const { hidden } = transformerHidden(cfg, p, x.idx!);
  const vl = maskedMean(clippedValueLoss(scalarHead(p, 'value', hidden), x.oldValues!, x.returns!, clipRangeValue), x.mask!);
  return { loss: vl, metrics: { valueLoss: detach(vl) } };
}
