import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { specialTokens } from './tokenizer-json';
import { errorMessage } from '../../error-message';

/** A tokenizer file that cannot be used: the message names the file and what is wrong, in one line. */
export class TokenizerFileError extends Error {
  constructor(
    readonly file: string,
    what: string,
  ) {
    super(`${file}: ${what}`);
    this.name = 'TokenizerFileError';
  }
}

function oneLine(err: unknown): string {
  return errorMessage(err).split('\n')[0] ?? '';
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A Hugging Face tokenizer.json, loaded by @huggingface/tokenizers (pure JS, the tokenizers of transformers.js):
 * the one path for our trained byte-level BPE and for imported models' tokenizers. Nothing is added to the text:
 * callers place bos/eos themselves, so a prompt and its completion concatenate exactly.
 */
export class TextTokenizer {
  private readonly hf: Tokenizer;
  private readonly ids: Map<string, number>;
  readonly vocabSize: number;

  private constructor(
    /** The parsed tokenizer.json, kept so `save` writes back what was loaded. */
    readonly json: Record<string, unknown>,
    readonly source: string,
    /** tokenizer_config.json beside the file ({} when there is none): special tokens, chat template. */
    readonly config: Record<string, unknown>,
    /** generation_config.json beside the file ({} when there is none): the end-of-sequence ids sampling stops at. */
    readonly generation: Record<string, unknown> = {},
  ) {
    const model = json.model;
    if (!isRecord(model)) throw new TokenizerFileError(source, 'key "model": missing or not an object');
    if (!isRecord(model.vocab)) throw new TokenizerFileError(source, 'key "model.vocab": missing or not an object');
    if (!Array.isArray(json.added_tokens)) throw new TokenizerFileError(source, 'key "added_tokens": not a list');
    try {
      // The library defaults to cleaning up spaces before punctuation ("a ." -> "a."), which would break code.
      this.hf = new Tokenizer(json, { clean_up_tokenization_spaces: false, ...config });
    } catch (err) {
      throw new TokenizerFileError(source, `not a tokenizer this loader supports: ${oneLine(err)}`);
    }
    this.ids = new Map(this.hf.get_vocab(true));
    this.vocabSize = Math.max(...this.ids.values()) + 1;
  }

  /** From the parsed JSON of a tokenizer.json (and its tokenizer_config.json, when there is one). */
  static fromJson(json: unknown, source = 'tokenizer.json', config: Record<string, unknown> = {}, generation: Record<string, unknown> = {}): TextTokenizer {
    if (!isRecord(json)) throw new TokenizerFileError(source, 'not a JSON object');
    return new TextTokenizer(json, source, config, generation);
  }

  /**
   * Loads a tokenizer.json file, with the tokenizer_config.json and generation_config.json beside it when there
   * are (imported models).
   */
  static load(file: string): TextTokenizer {
    const read = (path: string): unknown => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        throw new TokenizerFileError(path, `cannot read: ${oneLine(err)}`);
      }
      try {
        return JSON.parse(text);
      } catch (err) {
        throw new TokenizerFileError(path, `not JSON: ${oneLine(err)}`);
      }
    };
    const beside = (name: string): Record<string, unknown> => {
      const path = join(dirname(file), name);
      const value = existsSync(path) ? read(path) : {};
      if (!isRecord(value)) throw new TokenizerFileError(path, 'not a JSON object');
      return value;
    };
    return TextTokenizer.fromJson(read(file), file, beside('tokenizer_config.json'), beside('generation_config.json'));
  }

  /** The id of a token as spelled in the vocabulary ("<|eos|>", "Ċ"), or null. */
  tokenId(token: string): number | null {
    return this.ids.get(token) ?? null;
  }

  encode(text: string): number[] {
    return this.hf.encode(text, { add_special_tokens: false }).ids;
  }

  /** Text of the ids; special tokens are kept unless `skipSpecial`, so decode(encode(text)) === text. */
  decode(ids: readonly number[], options: { skipSpecial?: boolean } = {}): string {
    // The library refuses an empty list; the text of no tokens is the empty string.
    if (ids.length === 0) return '';
    return this.hf.decode([...ids], {
      skip_special_tokens: options.skipSpecial ?? false,
      clean_up_tokenization_spaces: false,
    });
  }

  /** The tokenizer.json text (compact, as the Hugging Face library writes it without `pretty`). */
  toJson(): string {
    return JSON.stringify(this.json);
  }

  save(file: string): void {
    writeFileSync(file, this.toJson());
  }
}

/** The ids of the special tokens sampling and training place, and of the line end, where the PRM reads its scores. */
export interface SpecialIds {
  readonly pad: number;
  readonly bos: number;
  readonly eos: number;
  readonly lineEnd: number;
  /** Every id that ends a sample: eos and the generation config's other end-of-sequence ids (an instruct model's). */
  readonly stop: readonly number[];
}

/** A token named by tokenizer_config.json: a string or an added-token object ({content}). */
function configToken(config: Record<string, unknown>, key: string): string | null {
  const v = config[key];
  if (typeof v === 'string') return v;
  if (isRecord(v) && typeof v.content === 'string') return v.content;
  return null;
}

/**
 * Our from-scratch tokenizers have <|pad|>, <|bos|>, <|eos|>. An imported model's come from tokenizer_config.json;
 * one without a bos (Qwen2) starts sequences with its pad token (Qwen's <|endoftext|>, the document separator it was
 * trained with), or its eos when it names no pad either.
 */
export function specialIds(tokenizer: TextTokenizer): SpecialIds {
  const id = (token: string, what: string): number => {
    const found = tokenizer.tokenId(token);
    if (found === null) throw new TokenizerFileError(tokenizer.source, `no ${what} token ${JSON.stringify(token)}`);
    return found;
  };
  const newline = tokenizer.encode('\n');
  if (newline.length !== 1) throw new TokenizerFileError(tokenizer.source, 'a line end is not a single token');
  const ours = tokenizer.tokenId(specialTokens.eos) !== null;
  const named = (key: string): string | null => (ours ? null : configToken(tokenizer.config, key));
  const eosToken = named('eos_token') ?? specialTokens.eos;
  const eos = id(eosToken, ours ? 'end-of-sequence' : "end-of-sequence (tokenizer_config.json 'eos_token')");
  const bosToken = named('bos_token');
  const padToken = named('pad_token');
  const generated = tokenizer.generation.eos_token_id;
  const extra = (Array.isArray(generated) ? generated : [generated]).filter((v): v is number => Number.isInteger(v) && v >= 0 && v < tokenizer.vocabSize);
  return {
    pad: ours ? id(specialTokens.pad, 'padding') : padToken !== null ? id(padToken, 'padding') : eos,
    bos: ours ? id(specialTokens.bos, 'beginning-of-sequence') : id(bosToken ?? padToken ?? eosToken, 'beginning-of-sequence'),
    eos,
    lineEnd: newline[0]!,
    stop: [...new Set([eos, ...extra])],
  };
}
