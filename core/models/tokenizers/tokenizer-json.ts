/**
 * The Hugging Face tokenizer.json layout for our byte-level BPE: the same file shape as GPT-2, Llama 3 or Qwen2
 * tokenizers, so one loader (tokenizer.ts) serves our trained tokenizers and imported models alike.
 */

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export interface ByteLevelBpeJson {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: AddedTokenJson[];
  normalizer: null;
  pre_tokenizer: unknown;
  post_processor: null;
  decoder: unknown;
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: false;
    byte_fallback: false;
    ignore_merges: false;
    vocab: Record<string, number>;
    merges: [string, string][];
  };
}

/** The special tokens every from-scratch tokenizer has, with their fixed ids 0, 1, 2. */
export const specialTokens = { pad: '<|pad|>', bos: '<|bos|>', eos: '<|eos|>' } as const;

/**
 * Splitting "\n" off before the byte-level split keeps every line end a token of its own ("Ċ"), never merged with
 * the indentation after it: the process reward model reads its per-line score at exactly these tokens.
 */
export const preTokenizer = {
  type: 'Sequence',
  pretokenizers: [
    { type: 'Split', pattern: { String: '\n' }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  ],
};

export const decoder = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

export function byteLevelBpeJson(vocab: Record<string, number>, merges: [string, string][]): ByteLevelBpeJson {
  const added = Object.values(specialTokens).map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: preTokenizer,
    post_processor: null,
    decoder,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}
