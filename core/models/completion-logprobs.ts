import type { Engine } from '../engine/engine';
import type { HostTensor } from '../engine/protocol';
import { type ModelRef, feedsFor, logitsProgram } from './programs';
import { type TextTokenizer, specialIds } from './tokenizers';

/** The mean and the sum of a completion's token log-probs given bos + prompt, under a model's LM head. */
export interface CompletionLogProb {
  mean: number;
  sum: number;
}

/**
 * Scores completions the way sampling records them (each completion token given everything before it), for
 * candidates that arrived without log-probs (imported from a file). Sequences are cut to the model's context.
 */
export async function completionLogProbs(
  engine: Engine,
  model: ModelRef,
  tokenizer: TextTokenizer,
  items: ReadonlyArray<{ prompt: string; completion: string }>,
  batchSize = 32,
): Promise<CompletionLogProb[]> {
  const special = specialIds(tokenizer);
  const program = logitsProgram(model);
  const maxLen = model.config.maxSeqLen;
  const rows = items.map((item) => {
    const prompt = [special.bos, ...tokenizer.encode(item.prompt)];
    const ids = [...prompt, ...tokenizer.encode(item.completion), special.eos].slice(0, maxLen);
    return { ids, start: Math.min(prompt.length, ids.length) };
  });
  const result: CompletionLogProb[] = [];
  for (let i = 0; i < rows.length; i += batchSize) {
    const chunk = rows.slice(i, i + batchSize);
    const width = Math.max(...chunk.map((r) => r.ids.length));
    const padded = new BigInt64Array(chunk.length * width).fill(BigInt(special.pad));
    chunk.forEach((r, b) => r.ids.forEach((tok, t) => (padded[b * width + t] = BigInt(tok))));
    const ids: HostTensor = { dtype: 'int64', dims: [chunk.length, width], data: padded };
    const out = await engine.run(program, { feeds: { ...feedsFor(program, model), idx: ids }, fetch: ['logits'] });
    const logits = out.logits!.data as Float32Array;
    const [, T, V] = out.logits!.dims as [number, number, number];
    chunk.forEach((row, b) => {
      let sum = 0;
      for (let t = Math.max(1, row.start); t < row.ids.length; t++) {
        const base = (b * T + t - 1) * V;
        let max = -Infinity;
        for (let v = 0; v < V; v++) max = Math.max(max, logits[base + v]!);
        let z = 0;
        for (let v = 0; v < V; v++) z += Math.exp(logits[base + v]! - max);
        sum += logits[base + row.ids[t]!]! - max - Math.log(z);
      }
      const n = row.ids.length - Math.max(1, row.start);
      result.push({ mean: n > 0 ? sum / n : 0, sum });
    });
  }
  return result;
}
