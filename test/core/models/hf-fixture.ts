/**
 * Tiny Hugging Face checkpoints as people have them, made at test time without downloading anything: PyTorch
 * (hf_reference.py) writes random Llama / Qwen2 weights in BF16 (or F16, F32), one file or two shards, and the
 * reference logits; this module adds the tokenizer files an instruct model ships (tokenizer.json with its added and
 * special tokens, tokenizer_config.json with the model family's chat template, generation_config.json). Folders are
 * cached in the temp dir by a hash of everything that makes them, so a second test run reuses them.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyTokenizer } from './model-fixture';

export type FixtureArch = 'llama' | 'qwen2';
export type FixtureDtype = 'F32' | 'BF16' | 'F16';

export interface HfFixture {
  dir: string;
  /** The tokens the reference logits are for, and the logits (T, V) PyTorch computed from the stored weights. */
  tokens: number[];
  reference: number[][];
}

const here = import.meta.dirname;
const script = join(here, 'hf_reference.py');
export const chatTemplateFile = (arch: FixtureArch): string => join(here, 'fixtures', arch === 'qwen2' ? 'qwen2-chat.jinja' : 'llama3-chat.jinja');

/** Each family's special tokens in place of our <|pad|>, <|bos|>, <|eos|> (ids 0, 1, 2), and extra added tokens. */
const families = {
  qwen2: {
    specials: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
    added: [] as string[],
    config: { bos_token: null, eos_token: '<|im_end|>', pad_token: '<|endoftext|>' },
    generation: { eos_token_id: [2, 0] },
  },
  llama: {
    specials: ['<|finetune_right_pad_id|>', '<|begin_of_text|>', '<|eot_id|>'],
    added: ['<|start_header_id|>', '<|end_header_id|>'],
    config: { bos_token: '<|begin_of_text|>', eos_token: '<|eot_id|>', pad_token: '<|finetune_right_pad_id|>' },
    generation: { bos_token_id: 1, eos_token_id: 2 },
  },
} as const;

/** tokenizer.json of the tiny trained BPE, its special tokens renamed and the family's added tokens appended. */
export function familyTokenizerJson(arch: FixtureArch): string {
  const json = JSON.parse(tinyTokenizer().toJson()) as {
    added_tokens: { id: number; content: string; special: boolean; single_word: boolean; lstrip: boolean; rstrip: boolean; normalized: boolean }[];
    model: { vocab: Record<string, number> };
  };
  const family = families[arch];
  family.specials.forEach((content, id) => {
    const old = json.added_tokens[id]!;
    delete json.model.vocab[old.content];
    json.model.vocab[content] = id;
    old.content = content;
  });
  let next = Math.max(...Object.values(json.model.vocab)) + 1;
  for (const content of family.added) {
    json.model.vocab[content] = next;
    json.added_tokens.push({ id: next++, content, special: true, single_word: false, lstrip: false, rstrip: false, normalized: false });
  }
  return JSON.stringify(json);
}

export const fixtureText = 'def add(a, b):\n    return a + b\n';

export function hfFixture(arch: FixtureArch, options: { dtype?: FixtureDtype; sharded?: boolean } = {}): HfFixture {
  const dtype = options.dtype ?? 'BF16';
  const sharded = options.sharded ?? true;
  const tokenizerJson = familyTokenizerJson(arch);
  const template = readFileSync(chatTemplateFile(arch), 'utf8');
  const family = families[arch];
  const tokenizerConfig = JSON.stringify({ ...family.config, chat_template: template, model_max_length: 128, tokenizer_class: 'PreTrainedTokenizerFast' });
  const tokens = tinyTokenizer().encode(fixtureText);
  const key = createHash('sha256')
    .update(readFileSync(script))
    .update(JSON.stringify([arch, dtype, sharded, tokens, tokenizerJson, tokenizerConfig, family.generation]))
    .digest('hex')
    .slice(0, 16);
  const root = join(tmpdir(), 'rewardranker-hf-fixtures');
  const dir = join(root, `${arch}-${dtype}-${sharded ? 'sharded' : 'single'}-${key}`);
  const referenceFile = join(dir, 'reference-logits.json');
  if (!existsSync(referenceFile)) {
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const out = execFileSync('/usr/bin/python3', [script, tmp, arch, sharded ? '1' : '0', JSON.stringify(tokens), dtype], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 });
    writeFileSync(join(tmp, 'tokenizer.json'), tokenizerJson);
    writeFileSync(join(tmp, 'tokenizer_config.json'), tokenizerConfig);
    writeFileSync(join(tmp, 'generation_config.json'), JSON.stringify(family.generation));
    writeFileSync(join(tmp, 'reference-logits.json'), out);
    try {
      renameSync(tmp, dir);
    } catch {
      // Another test process made the same folder first: theirs is identical.
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { dir, tokens, reference: JSON.parse(readFileSync(referenceFile, 'utf8')) as number[][] };
}
