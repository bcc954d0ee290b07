/**
 * The embedded default: a tiny from-scratch generator and reranker (under a million parameters each) that learn the
 * embedded default problem set on 2 cores in minutes. Budgets are fixed in steps and tokens, never in time, so a
 * run reproduces on any machine. Calibrated with `npx rewardranker bench models` (figures in README): the SFT
 * generator's held-out pass@1 at temperature 1 lands inside 0.2-0.7, so there are passing and failing samples for
 * the reranker to separate (DESIGN.md, "The embedded default: calibrate it").
 */
import { samplingConfigSchema } from '../models/sampling';
import { transformerConfig } from '../models/transformer';
import { ppoConfigSchema } from '../train/ppo-config';
import { rewardConfigSchema } from '../train/reward-config';
import { sftConfigSchema } from '../train/sft-config';

/** Byte-level BPE trained on the training problems' prompts and solutions (the set saturates near 1,000 tokens). */
export const defaultTokenizerVocab = 512;

const backbone = { arch: 'llama', vocabSize: defaultTokenizerVocab, maxSeqLen: 160, nLayer: 4, nHead: 4, nEmbd: 128 } as const;

export const defaultModels = {
  tokenizerVocab: defaultTokenizerVocab,
  /** ~0.87M parameters: 4 blocks of width 128, rotary, SwiGLU, tied embeddings. */
  generator: transformerConfig(backbone),
  /**
   * The same shape, so it starts from the generator's weights (rewardConfig.init 'generator'); its score adds the
   * mean token log-prob under a frozen copy of the generator it carries (measured: the generator's log-prob alone
   * lifted held-out pass@1 from 0.24 to 0.43 where the head alone did not beat a random pick; under the reranker's
   * own LM head that term drifts as Bradley-Terry moves the backbone, issue 11).
   */
  reranker: transformerConfig({ ...backbone, rewardLogProbWeight: 1, rewardLogProbSource: 'generator' }),
  sft: sftConfigSchema.parse({}),
  reward: rewardConfigSchema.parse({}),
  /** Default-set completions are one line and an end-of-sequence: 48 tokens is ample. */
  sampling: samplingConfigSchema.parse({ n: 8, temperature: 1, maxNewTokens: 48, stop: ['\ndef ', '\nassert', '\nprint', '\nif __name__'] }),
  /** One-line completions as for sampling; the budget keeps PPO to about a minute per iteration on 2 cores. */
  ppo: ppoConfigSchema.parse({ maxNewTokens: 48 }),
};
