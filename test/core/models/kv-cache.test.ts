import { describe, expect, test } from 'vitest';
import type { HostTensor } from '../../../core/engine/protocol';
import { type ModelRef, logitsProgram, uploadModel } from '../../../core/models/programs';
import { decodeSteps } from '../../../core/models/sampling';
import { type TransformerConfigInput, transformerConfig, transformerParams } from '../../../core/models/transformer';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

const V = 48;
const variants: Record<string, TransformerConfigInput> = {
  gpt2: { arch: 'gpt2', vocabSize: V, maxSeqLen: 32, nLayer: 2, nHead: 2, nEmbd: 32 },
  'llama (grouped queries)': { arch: 'llama', vocabSize: V, maxSeqLen: 32, nLayer: 2, nHead: 4, nKvHead: 2, nEmbd: 32 },
};

async function model(input: TransformerConfigInput): Promise<ModelRef> {
  const cfg = transformerConfig(input);
  const weights: Record<string, HostTensor> = Object.fromEntries(
    Object.entries(transformerParams(cfg, ['lm'], 11)).map(([n, s]) => [n, { dtype: 'float32', dims: s.shape, data: s.init }]),
  );
  return uploadModel(engine, cfg, ['lm'], weights);
}

/** Logits of every position of each row, from one full forward pass without a cache: rows x (T, V). */
async function fullLogits(m: ModelRef, rows: number[][]): Promise<Float32Array[]> {
  return Promise.all(
    rows.map(async (row) => {
      const out = await engine.run(logitsProgram(m), {
        feeds: { ...m.feeds, idx: { dtype: 'int64', dims: [1, row.length], data: BigInt64Array.from(row, BigInt) } },
        fetch: ['logits'],
      });
      return out.logits!.data as Float32Array;
    }),
  );
}

const argmax = (row: Float32Array): number => row.indexOf(Math.max(...row));

for (const [name, input] of Object.entries(variants)) {
  describe(name, () => {
    test('KV-cache decoding of left-padded prompts matches a full forward pass', async () => {
      const m = await model(input);
      const T = 12;
      const tokens = [0, 1].map((b) => Array.from({ length: T }, (_, t) => (b * 13 + t * 7 + 3) % V));
      const promptLengths = [5, 3];
      const want = await fullLogits(m, tokens);
      let worst = 0;
      const steps = T - Math.min(...promptLengths);
      // Teacher forcing: prefill each row's prompt, then feed the row's own next tokens through the cache.
      await decodeSteps(engine, m, tokens.map((r, b) => r.slice(0, promptLengths[b])), 0, steps, (logits, step) => {
        tokens.forEach((_, b) => {
          const t = promptLengths[b]! - 1 + step;
          if (t >= T) return;
          for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(logits[b * V + v]! - want[b]![t * V + v]!));
        });
        return tokens.map((r, b) => r[promptLengths[b]! + step] ?? 0);
      });
      console.log(`${name}: KV-cache decoding vs full forward, max |logit difference| ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(2e-5);
    });

    test('greedy decoding with the cache picks the argmax of the full forward at every step', async () => {
      const m = await model(input);
      const prompts = [
        [1, 2, 3, 4],
        [9, 8, 7],
      ];
      const generated: number[][] = prompts.map(() => []);
      await decodeSteps(engine, m, prompts, 0, 6, (logits) => {
        const picks = prompts.map((_, b) => argmax(logits.subarray(b * V, (b + 1) * V)));
        picks.forEach((tok, b) => generated[b]!.push(tok));
        return picks;
      });
      expect(generated.map((g) => g.length)).toEqual([6, 6]);
      const rows = prompts.map((p, b) => [...p, ...generated[b]!.slice(0, -1)]);
      const full = await fullLogits(m, rows);
      prompts.forEach((p, b) => {
        for (let i = 0; i < generated[b]!.length; i++) {
          const t = p.length - 1 + i;
          expect(generated[b]![i], `row ${b} position ${t + 1}`).toBe(argmax(full[b]!.subarray(t * V, (t + 1) * V)));
        }
      });
    });
  });
}
