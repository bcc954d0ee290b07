/**
 * Process supervision's dense reward (arXiv 2410.17621): at the last token of line m of a response, lambda times
 * the process reward model's score of lines 1..m, divided by T, the response's number of lines. Dividing by T
 * makes a response's dense total lambda times the MEAN of its prefix scores, so writing more lines (or padding with
 * comments) cannot buy reward; lambda is large for failing responses (the PRM is the only signal telling their good
 * lines from their bad ones) and small for passing ones (the outcome reward already says they are right).
 * Pure arithmetic on padded rows (B, T) in the loss's token frame, added to the KL-penalised rewards of
 * ./advantages tokenRewards.
 */
import { lastRealToken } from './advantages';

/** lambda of one response: which one comes from the execution reward (1 = passes its tests). */
export function denseLambda(passed: boolean, o: { denseLambdaFail: number; denseLambdaPass: number }): number {
  return passed ? o.denseLambdaPass : o.denseLambdaFail;
}

/**
 * Where each line of a response ends in its row: `lineEnds` are indices into the completion's tokens (line m's
 * last token), `promptLength` the tokens before the completion (the loss frame's position t predicts token t + 1,
 * so completion token j sits at t = promptLength - 1 + j). A response cut by a stop sequence can end inside a
 * line's last token span; every position is kept at or before the row's last real token, and the last line ends
 * there (the response ends with it).
 */
export function lineEndPositions(mask: readonly number[], promptLength: number, lineEnds: readonly number[]): number[] {
  const last = lastRealToken(mask);
  if (last < 0) return [];
  return lineEnds.map((j, m) => (m === lineEnds.length - 1 ? last : Math.min(last, promptLength - 1 + j)));
}

/**
 * The dense rewards of one row: lambda * score_m / T at positions[m], 0 elsewhere (two lines ending in the same
 * token add up there). `scores` and `positions` have one entry per line.
 */
export function denseRow(length: number, positions: readonly number[], scores: readonly number[], lambda: number): number[] {
  if (positions.length !== scores.length) throw new Error(`dense reward: ${scores.length} line scores for ${positions.length} lines`);
  const row = new Array<number>(length).fill(0);
  const T = scores.length;
  positions.forEach((t, m) => (row[t]! += (lambda * scores[m]!) / T));
  return row;
}

/**
 * A rollout batch's token rewards with the dense part added: `base` (tokenRewards: -beta KL per token and the
 * outcome on the last token) plus each row's denseRow. Returns the sum and, per row, the dense part's total
 * (what the round log reports as its share).
 */
export function withDenseRewards(
  base: readonly number[][],
  rows: ReadonlyArray<{ positions: readonly number[]; scores: readonly number[]; lambda: number }>,
): { rewards: number[][]; denseTotals: number[] } {
  const denseTotals: number[] = [];
  const rewards = base.map((row, b) => {
    const d = denseRow(row.length, rows[b]!.positions, rows[b]!.scores, rows[b]!.lambda);
    denseTotals.push(d.reduce((a, v) => a + v, 0));
    return row.map((r, t) => r + d[t]!);
  });
  return { rewards, denseTotals };
}
