/**
 * What a reranker reads, tokenised: bos + prompt + completion + eos, and where the completion starts (its tokens and
 * eos are what the log-prob term averages). Shared by the engine's reward programs and the exported reranker.
 */
import type { HostTensor } from '../engine/protocol';
import type { SpecialIds, TextTokenizer } from './tokenizers';

/** A reranker's input row: its tokens and where the completion (what the log-prob term averages) starts. */
export interface RewardRow {
  ids: number[];
  completionStart: number;
}

/** bos + prompt + completion + eos, cut to maxLength with the eos kept last (the score is read there). */
export function rewardTokens(tokenizer: TextTokenizer, special: SpecialIds, item: { prompt: string; completion: string }, maxLength: number): RewardRow {
  const prompt = [special.bos, ...tokenizer.encode(item.prompt)];
  const ids = [...[...prompt, ...tokenizer.encode(item.completion)].slice(0, maxLength - 1), special.eos];
  return { ids, completionStart: Math.min(prompt.length, ids.length - 1) };
}

/** 1 from each row's completion start to its end, 0 on the prompt and the right padding: (B, T) float. */
export function completionMask(rows: readonly RewardRow[]): HostTensor {
  const T = Math.max(...rows.map((r) => r.ids.length));
  const data = new Float32Array(rows.length * T);
  rows.forEach((r, b) => data.fill(1, b * T + r.completionStart, b * T + r.ids.length));
  return { dtype: 'float32', dims: [rows.length, T], data };
}
