import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../../core/sandbox/languages/index';
import { isNeutralLine, lineCommentPrefixes } from '../../../../core/train/prm/comments';
import { labelLines, PrefixSearch } from '../../../../core/train/prm/labels';

const reference = ['def f(xs):', '    total = 0', '    for x in xs:', '        total += x', '    return total'];

/** Passes only when the prefix is the reference's own beginning: the policy recovers from any correct prefix. */
function oracle(ref: readonly string[]) {
  const asked: number[] = [];
  const completer = async (prefix: readonly string[]): Promise<boolean> => {
    asked.push(prefix.length);
    return prefix.every((line, i) => line === ref[i]);
  };
  return { asked, completer };
}

const program = (lines: readonly string[]): string => `${lines.join('\n')}\n`;

describe('line labels by prefix completion', () => {
  it('labels a bug on line 3 of 5 as [+1, +1, -1, -1, -1]', async () => {
    const buggy = [...reference];
    buggy[2] = '    for x in xs[1:]:';
    const { asked, completer } = oracle(reference);
    const result = await labelLines({ completion: program(buggy), language: 'python', passed: false }, completer);
    expect(result.labels).toEqual([1, 1, -1, -1, -1]);
    expect(result.lastRecoverable).toBe(2);
    expect(result.prefixChecks).toBe(asked.length);
  });

  it('labels a passing program all +1 without asking the completer', async () => {
    const { asked, completer } = oracle(reference);
    const result = await labelLines({ completion: program(reference), language: 'python', passed: true }, completer);
    expect(result.labels).toEqual([1, 1, 1, 1, 1]);
    expect(asked).toEqual([]);
  });

  it('labels a comment line and a blank line 0, and never cuts a prefix after them', async () => {
    const withComment = [reference[0]!, '    # running sum', reference[1]!, '', '    for x in xs[1:]:', reference[3]!, reference[4]!];
    const ref = [reference[0]!, '    # running sum', reference[1]!, '', ...reference.slice(2)];
    const { asked, completer } = oracle(ref);
    const result = await labelLines({ completion: program(withComment), language: 'python', passed: false }, completer);
    expect(result.labels).toEqual([1, 0, 1, 0, -1, -1, -1]);
    expect(asked).not.toContain(2);
    expect(asked).not.toContain(4);
  });

  it('labels a failing program whose first line is already wrong all -1, and one wrong only by a missing end all +1', async () => {
    const wrongStart = ['def f(ys):', ...reference.slice(1)];
    expect((await labelLines({ completion: program(wrongStart), language: 'python', passed: false }, oracle(reference).completer)).labels).toEqual([-1, -1, -1, -1, -1]);
    // Four correct lines that fail only because the return is missing: every prefix, the whole one too, recovers.
    const truncated = reference.slice(0, 4);
    const result = await labelLines({ completion: program(truncated), language: 'python', passed: false }, oracle(reference).completer);
    expect(result.labels).toEqual([1, 1, 1, 1]);
    expect(result.lastRecoverable).toBe(4);
  });

  it('asks at most ceil(log2 T) + 1 prefixes, wherever the bug is, for programs of 1 to 40 lines', async () => {
    for (let T = 1; T <= 40; T++) {
      const ref = Array.from({ length: T }, (_, i) => `x${i} = ${i}`);
      for (let bug = 0; bug <= T; bug++) {
        const lines = ref.map((l, i) => (i === bug ? `${l} + 1` : l));
        const { asked, completer } = oracle(ref);
        const result = await labelLines({ completion: program(lines), language: 'python', passed: false }, completer);
        expect(asked.length).toBeLessThanOrEqual(Math.ceil(Math.log2(T)) + 1);
        expect(result.lastRecoverable).toBe(bug);
        expect(result.labels).toEqual(lines.map((_, i) => (i < bug ? 1 : -1)));
      }
    }
  });

  it('refuses an answer it did not ask for', () => {
    expect(() => new PrefixSearch(['x = 1'], 'python').answer(true)).toThrow(/without a question/);
  });
});

describe('comment syntax', () => {
  it('has an entry for every sandbox language', () => {
    for (const language of LANGUAGES) expect(lineCommentPrefixes[language.id], language.id).toBeDefined();
    expect(Object.keys(lineCommentPrefixes).sort()).toEqual(LANGUAGES.map((l) => l.id).sort());
  });

  it('tells comment lines by each language\'s own syntax', () => {
    expect(isNeutralLine('    # note', 'python')).toBe(true);
    expect(isNeutralLine('    x = 1  # note', 'python')).toBe(false);
    expect(isNeutralLine('  // note', 'go')).toBe(true);
    expect(isNeutralLine('  -- note', 'lua')).toBe(true);
    expect(isNeutralLine('  -- note', 'python')).toBe(false);
    expect(isNeutralLine('   ', 'ruby')).toBe(true);
    expect(() => isNeutralLine('x', 'cobol')).toThrow(/cobol/);
  });
});
