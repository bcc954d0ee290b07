import type { HostTensor } from '../../../core/engine/protocol';
import { trainTokenizer, type TextTokenizer } from '../../../core/models/tokenizers';
import { type Head, type TransformerConfig, transformerParams } from '../../../core/models/transformer';

/** A tokenizer trained on a few lines of Python: enough merges for short programs, trained in milliseconds. */
export function tinyTokenizer(): TextTokenizer {
  const texts = [
    'def add(a, b):\n    return a + b\n',
    'def double(xs):\n    return [x * 2 for x in xs]\n',
    'def count_even(xs):\n    return sum(1 for x in xs if x % 2 == 0)\n',
    'def upper(s):\n    return s.upper()\n',
  ];
  return trainTokenizer(texts, { vocabSize: 300 });
}

/** The initial weights of a model as host tensors. */
export function initialWeights(cfg: TransformerConfig, heads: readonly Head[], seed: number, std?: number): Record<string, HostTensor> {
  const specs = transformerParams(cfg, heads, seed);
  const out: Record<string, HostTensor> = {};
  let i = 0;
  for (const [n, s] of Object.entries(specs)) {
    let data = s.init;
    // Zero-initialised heads and unit norms make every model look alike: perturb them for parity tests.
    if (std !== undefined) data = data.map((v, j) => v + std * Math.sin(1.7 * (i + 1) + 0.37 * j));
    out[n] = { dtype: 'float32', dims: s.shape, data };
    i++;
  }
  return out;
}
