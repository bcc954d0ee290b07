import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../../../core/models/tokenizers';
import { byteLevelAlphabet } from '../../../../core/models/tokenizers/byte-level';
import { byteLevelBpeJson, specialTokens } from '../../../../core/models/tokenizers/tokenizer-json';
import { completionLines, lineEndTokenIndices } from '../../../../core/train/prm/line-ends';

/** A byte-level BPE with only the merges given, so every tokenisation in these tests is known by hand. */
function handTokenizer(merges: [string, string][], preTokenizer?: unknown): TextTokenizer {
  const vocab: Record<string, number> = {};
  let next = 0;
  for (const token of Object.values(specialTokens)) vocab[token] = next++;
  for (const ch of byteLevelAlphabet()) vocab[ch] = next++;
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = next++;
  const json = byteLevelBpeJson(vocab, merges) as unknown as Record<string, unknown>;
  if (preTokenizer !== undefined) json.pre_tokenizer = preTokenizer;
  return TextTokenizer.fromJson(json, 'hand-made');
}

describe('completionLines', () => {
  it('splits on newlines; a trailing newline opens no line, blank lines inside count', () => {
    expect(completionLines('a\nb\n')).toEqual(['a', 'b']);
    expect(completionLines('a\n\nb')).toEqual(['a', '', 'b']);
    expect(completionLines('x')).toEqual(['x']);
    expect(completionLines('')).toEqual([]);
    expect(completionLines('\n')).toEqual(['']);
  });
});

describe('lineEndTokenIndices', () => {
  it('gives the index of each line\'s newline token in a known tokenisation', () => {
    const tok = handTokenizer([['r', 'e'], ['re', 't'], ['Ġ', 'x']]);
    const text = 'ret x\n\nre\n';
    const ids = tok.encode(text);
    // ret | Ġx | Ċ | Ċ | re | Ċ
    expect(ids.map((id) => tok.decode([id]))).toEqual(['ret', ' x', '\n', '\n', 're', '\n']);
    expect(lineEndTokenIndices(tok, ids)).toEqual([2, 3, 5]);
  });

  it('ends a last line without a newline at its last token', () => {
    const tok = handTokenizer([]);
    expect(lineEndTokenIndices(tok, tok.encode('ab\ncd'))).toEqual([2, 4]);
  });

  it('is not thrown off by a character split over several byte tokens', () => {
    const tok = handTokenizer([]);
    const ids = tok.encode('é\n😀x\ny');
    // é is two bytes, 😀 four: é(2) Ċ 😀(4) x Ċ y
    expect(ids).toHaveLength(10);
    expect(lineEndTokenIndices(tok, ids)).toEqual([2, 8, 9]);
  });

  it('ends a line at the token that merges its newline with the next line\'s indentation', () => {
    // GPT-2's pre-tokenizer (no newline split, as in imported models): "\n " is one piece, merged into one token.
    const tok = handTokenizer([['Ċ', 'Ġ']], { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true });
    const ids = tok.encode('a\n  b');
    expect(ids.map((id) => tok.decode([id]))).toEqual(['a', '\n ', ' ', 'b']);
    expect(lineEndTokenIndices(tok, ids)).toEqual([1, 3]);
  });

  it('has one index per line of completionLines, for our trained tokenizers too', () => {
    const tok = handTokenizer([['d', 'e'], ['de', 'f'], ['Ġ', 'Ġ'], ['ĠĠ', 'ĠĠ']]);
    const program = 'def f(x):\n    if x:\n        return 1\n\n    return 2\n';
    const ids = tok.encode(program);
    const ends = lineEndTokenIndices(tok, ids);
    expect(ends).toHaveLength(completionLines(program).length);
    for (const [i, end] of ends.entries()) {
      expect(tok.decode([ids[end]!])).toBe('\n');
      expect(tok.decode(ids.slice(0, end + 1))).toBe(`${completionLines(program).slice(0, i + 1).join('\n')}\n`);
    }
  });
});
