import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BPE, Tokenizer, byteLevelPreTokenizer, sequencePreTokenizer, splitPreTokenizer } from 'tokenizers';
import { byteLevelAlphabet } from './byte-level';
import { TextTokenizer } from './tokenizer';
import { byteLevelBpeJson, specialTokens, type ByteLevelBpeJson } from './tokenizer-json';

/**
 * Byte-level BPE training by Hugging Face's own trainer (the `tokenizers` package: the Rust library's Node binding),
 * not a trainer of ours. Its Node binding trains only with the default BpeTrainer (no vocab size, no initial
 * alphabet, no special tokens), so we take its ordered merge list, which a smaller vocabulary would only cut short
 * (BPE merges greedily, the first k merges do not depend on when training stops), and build the file ourselves:
 * special tokens first, then all 256 byte characters (so text never seen in training still encodes), then the
 * merged tokens in merge order up to the vocabulary size.
 */

export interface TrainOptions {
  /**
   * Total vocabulary: 3 special tokens + 256 bytes + merged tokens. A small synthetic corpus can run out of merges
   * first (every word of it already one token): the vocabulary is then smaller, and `vocabSize(json)` says so.
   */
  readonly vocabSize: number;
}

// The default BpeTrainer stops at 30,000 tokens.
const TRAINER_VOCAB = 30000;
export const minVocabSize = Object.keys(specialTokens).length + 256;
export const maxVocabSize = TRAINER_VOCAB;

function parseMerge(m: unknown): [string, string] {
  if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
  if (typeof m === 'string') {
    const space = m.indexOf(' ');
    if (space > 0) return [m.slice(0, space), m.slice(space + 1)];
  }
  throw new Error(`tokenizer training: unexpected merge ${JSON.stringify(m)} in the trainer's output`);
}

/** The trainer's merges, in the order it made them. */
function trainerMerges(texts: readonly string[]): [string, string][] {
  const dir = mkdtempSync(join(tmpdir(), 'bpe-train-'));
  try {
    const corpus = join(dir, 'corpus.txt');
    writeFileSync(corpus, texts.join('\n'));
    const trainer = new Tokenizer(BPE.empty());
    trainer.setPreTokenizer(
      sequencePreTokenizer([splitPreTokenizer('\n', 'isolated'), byteLevelPreTokenizer(false, true)]),
    );
    trainer.train([corpus]);
    const out = join(dir, 'trained.json');
    trainer.save(out);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { model?: { merges?: unknown[] } };
    return (json.model?.merges ?? []).map(parseMerge);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Trains a byte-level BPE tokenizer on `texts`; the same texts and size give the same tokenizer.json. */
export function trainByteLevelBpe(texts: readonly string[], options: TrainOptions): ByteLevelBpeJson {
  const { vocabSize } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < minVocabSize || vocabSize > maxVocabSize) {
    throw new Error(`tokenizer training: vocab size ${vocabSize} is outside ${minVocabSize}-${maxVocabSize}`);
  }
  const vocab: Record<string, number> = {};
  let next = 0;
  for (const token of Object.values(specialTokens)) vocab[token] = next++;
  for (const ch of byteLevelAlphabet()) vocab[ch] = next++;
  const merges: [string, string][] = [];
  for (const [a, b] of trainerMerges(texts)) {
    if (next >= vocabSize) break;
    merges.push([a, b]);
    // A merge can rebuild a token another merge already made ("a"+"bc" after "ab"+"c"): a rule, not a new token.
    if (!(a + b in vocab)) vocab[a + b] = next++;
  }
  return byteLevelBpeJson(vocab, merges);
}

/** Trains and loads in one step: the tokenizer a from-scratch model uses. */
export function trainTokenizer(texts: readonly string[], options: TrainOptions): TextTokenizer {
  return TextTokenizer.fromJson(trainByteLevelBpe(texts, options), `<byte-level BPE, ${options.vocabSize} tokens>`);
}
