import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltInSet, loadProblems, type Problem } from '../../../../core/data';
import {
  specialIds,
  TextTokenizer,
  TokenizerFileError,
  trainByteLevelBpe,
  trainTokenizer,
} from '../../../../core/models/tokenizers';

const defaultSet = loadProblems('resources/default-set/problems.jsonl');
const humanEval = loadBuiltInSet('humaneval');
const trainingTexts = (problems: readonly Problem[]) => problems.map((p) => p.prompt + (p.canonical_solution ?? ''));
const programs = (problems: readonly Problem[]) => problems.map((p) => p.prefix + (p.canonical_solution ?? '') + p.suffix);

/** Seeded random text over every kind of code point a source file may hold (valid UTF-8: no lone surrogates). */
function randomTexts(count: number): string[] {
  let state = 12345;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const ranges: [number, number][] = [
    [0, 0x7f], // ASCII with controls, NUL, tabs, CR
    [0x80, 0x7ff], // Latin-1 and two-byte letters, combining marks
    [0x4e00, 0x9fff], // CJK
    [0xe000, 0xfffd], // private use and specials
    [0x1f300, 0x1faff], // emoji (astral: surrogate pairs in JS)
    [0x10000, 0x10ffff], // any astral code point
  ];
  return Array.from({ length: count }, () => {
    let s = '';
    const length = 1 + next(60);
    for (let i = 0; i < length; i++) {
      const [lo, hi] = ranges[next(ranges.length)]!;
      s += String.fromCodePoint(lo + next(hi - lo + 1));
    }
    return s;
  });
}

describe('byte-level BPE tokenizer', () => {
  let t512: TextTokenizer;
  let t1024: TextTokenizer;
  let dir: string;
  beforeAll(() => {
    t512 = trainTokenizer(trainingTexts(defaultSet), { vocabSize: 512 });
    t1024 = trainTokenizer(trainingTexts(defaultSet), { vocabSize: 1024 });
    dir = mkdtempSync(join(tmpdir(), 'tokenizer-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips every default-set program and every HumanEval program exactly', () => {
    for (const tok of [t512, t1024]) {
      for (const text of [...programs(defaultSet), ...programs(humanEval)]) {
        const ids = tok.encode(text);
        if (tok.decode(ids) !== text) expect.fail(`round trip changed ${JSON.stringify(text.slice(0, 80))}`);
        expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tok.vocabSize)).toBe(true);
      }
    }
  });

  it('round-trips arbitrary UTF-8: controls, CJK, emoji, astral code points, CRLF, NUL', () => {
    const texts = [...randomTexts(300), 'a\r\nb\tc\0d', '', ' ', '\n\n\n', 'x = "<|eos|>"  # a special token as text'];
    for (const text of texts) expect(t512.decode(t512.encode(text))).toBe(text);
  });

  it('gives every line end a token of its own, the marker the PRM reads', () => {
    const { lineEnd, pad, bos, eos } = specialIds(t1024);
    expect([pad, bos, eos]).toEqual([0, 1, 2]);
    expect(t1024.decode([lineEnd])).toBe('\n');
    for (const text of programs(defaultSet).slice(0, 300)) {
      const lineEnds = t1024.encode(text).filter((id) => id === lineEnd).length;
      expect(lineEnds).toBe(text.split('\n').length - 1);
    }
    expect(t1024.decode([bos, ...t1024.encode('x'), eos], { skipSpecial: true })).toBe('x');
  });

  it('trains deterministically, and a smaller vocabulary is a prefix of a larger one', () => {
    const texts = trainingTexts(defaultSet);
    const a = JSON.stringify(trainByteLevelBpe(texts, { vocabSize: 700 }));
    const b = JSON.stringify(trainByteLevelBpe(texts, { vocabSize: 700 }));
    expect(a).toBe(b);
    expect(t1024.toJson()).toBe(JSON.stringify(trainByteLevelBpe(texts, { vocabSize: 1024 })));
    const small = trainByteLevelBpe(texts, { vocabSize: 512 }).model.merges;
    const large = trainByteLevelBpe(texts, { vocabSize: 1024 }).model.merges;
    expect(large.slice(0, small.length)).toEqual(small);
  });

  it('honours the vocabulary size: exactly that many ids, or fewer only when the corpus has no more merges', () => {
    expect(t512.vocabSize).toBe(512);
    expect(Object.keys((t512.json.model as { vocab: object }).vocab)).toHaveLength(512);
    // The default set's grammar has about a thousand distinct words: 1024 may saturate, and then every word of a
    // training text is one token already.
    expect(t1024.vocabSize).toBeLessThanOrEqual(1024);
    expect(t1024.vocabSize).toBeGreaterThan(900);
    const big = trainTokenizer(trainingTexts(defaultSet), { vocabSize: 4096 });
    expect(big.vocabSize).toBeLessThan(4096);
    expect(t1024.vocabSize).toBe(Math.min(1024, big.vocabSize));
    const humanEvalTexts = trainingTexts(humanEval);
    expect(trainTokenizer(humanEvalTexts, { vocabSize: 2000 }).vocabSize).toBe(2000);
    expect(() => trainByteLevelBpe(humanEvalTexts, { vocabSize: 100 })).toThrow(/vocab size 100 is outside 259-/);
  });

  it('writes a tokenizer.json that loads back identically, here and in Hugging Face tokenizers (Rust)', async () => {
    const file = join(dir, 'tokenizer.json');
    t1024.save(file);
    const loaded = TextTokenizer.load(file);
    expect(loaded.toJson()).toBe(t1024.toJson());
    expect(loaded.vocabSize).toBe(t1024.vocabSize);
    const native = NativeTokenizer.fromFile(file);
    for (const text of [...programs(defaultSet).slice(0, 200), ...programs(humanEval).slice(0, 40)]) {
      const ids = loaded.encode(text);
      expect(ids).toEqual(t1024.encode(text));
      expect((await native.encode(text)).getIds()).toEqual(ids);
      expect(await native.decode(ids, false)).toBe(text);
    }
  });

  it('refuses a broken tokenizer file with one line naming it', () => {
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, t512.toJson().slice(0, 1000));
    expect(() => TextTokenizer.load(truncated)).toThrow(TokenizerFileError);
    expect(() => TextTokenizer.load(truncated)).toThrow(new RegExp(`^${truncated}: not JSON: [^\\n]+$`));
    const noModel = join(dir, 'no-model.json');
    writeFileSync(noModel, JSON.stringify({ ...t512.json, model: undefined }));
    expect(() => TextTokenizer.load(noModel)).toThrow(`${noModel}: key "model": missing or not an object`);
    expect(() => TextTokenizer.load(join(dir, 'absent.json'))).toThrow(/absent\.json: cannot read: /);
  });

  it('compresses the default set: tokens per solution and per prompt (printed)', () => {
    const rows = [t512, t1024].map((tok) => {
      const mean = (texts: string[]) => texts.reduce((n, t) => n + tok.encode(t).length, 0) / texts.length;
      const solutions = defaultSet.map((p) => p.canonical_solution ?? '');
      const prompts = defaultSet.map((p) => p.prompt);
      const perSolution = mean(solutions);
      return {
        vocab: tok.vocabSize,
        tokens_per_solution: Number(perSolution.toFixed(2)),
        tokens_per_prompt: Number(mean(prompts).toFixed(2)),
        chars_per_token: Number((solutions.join('').length / solutions.length / perSolution).toFixed(2)),
        humaneval_tokens_per_prompt: Number(mean(humanEval.map((p) => p.prompt)).toFixed(1)),
      };
    });
    console.info(`tokenizer compression on the default set:\n${JSON.stringify(rows, null, 1)}`);
    const [small, large] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(small.tokens_per_solution).toBeLessThan(30);
    expect(large.tokens_per_solution).toBeLessThan(small.tokens_per_solution);
    expect(large.tokens_per_prompt).toBeLessThan(small.tokens_per_prompt);
  });
});
