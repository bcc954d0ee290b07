import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleProgram } from '../../../core/data/assemble';
import { builtInSetsDir } from '../../../core/data/built-in-sets';
import { candidateProgram, loadCandidates } from '../../../core/data/candidates';
import { detectFormat, loadProblems } from '../../../core/data/load';

const data = builtInSetsDir();
const dir = mkdtempSync(join(tmpdir(), 'rr-data-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const byId = <T extends { task_id: string }>(list: T[], id: string): T => {
  const found = list.find((p) => p.task_id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
};

describe('loadProblems on the public data', () => {
  it.each([
    ['humaneval/HumanEval.jsonl', 'humaneval', 164, 'python'],
    ['mbpp/mbpp.jsonl', 'mbpp', 974, 'python'],
    ['mbpp/sanitized-mbpp.json', 'mbpp-sanitized', 427, 'python'],
    ['humaneval-x/python/humaneval_python.jsonl', 'humaneval-x', 164, 'python'],
    ['humaneval-x/cpp/humaneval_cpp.jsonl', 'humaneval-x', 164, 'cpp'],
    ['humaneval-x/java/humaneval_java.jsonl', 'humaneval-x', 164, 'java'],
    ['humaneval-x/js/humaneval_js.jsonl', 'humaneval-x', 164, 'javascript'],
    ['humaneval-x/go/humaneval_go.jsonl', 'humaneval-x', 164, 'go'],
    ['humaneval-x/rust/humaneval_rust.jsonl', 'humaneval-x', 164, 'rust'],
    ['multipl-e/humaneval-cpp.jsonl', 'multipl-e', 161, 'cpp'],
    ['multipl-e/humaneval-cs.jsonl', 'multipl-e', 158, 'csharp'],
    ['multipl-e/humaneval-go.jsonl', 'multipl-e', 154, 'go'],
    ['multipl-e/humaneval-java.jsonl', 'multipl-e', 158, 'java'],
    ['multipl-e/humaneval-js.jsonl', 'multipl-e', 161, 'javascript'],
    ['multipl-e/humaneval-lua.jsonl', 'multipl-e', 161, 'lua'],
    ['multipl-e/humaneval-php.jsonl', 'multipl-e', 161, 'php'],
    ['multipl-e/humaneval-rb.jsonl', 'multipl-e', 161, 'ruby'],
    ['multipl-e/humaneval-rs.jsonl', 'multipl-e', 156, 'rust'],
    ['multipl-e/humaneval-sh.jsonl', 'multipl-e', 158, 'bash'],
    ['multipl-e/humaneval-ts.jsonl', 'multipl-e', 159, 'typescript'],
  ])('%s is detected as %s with %i %s problems', (path, format, count, language) => {
    const problems = loadProblems(join(data, path));
    expect(problems).toHaveLength(count);
    expect(new Set(problems.map((p) => p.source_format))).toEqual(new Set([format]));
    expect(new Set(problems.map((p) => p.language))).toEqual(new Set([language]));
  });

  it('assembles HumanEval as prompt + completion + "\\n" + test + "\\ncheck(entry_point)"', () => {
    const p = byId(loadProblems(join(data, 'humaneval/HumanEval.jsonl')), 'HumanEval/0');
    const program = assembleProgram(p, '    return True\n');
    expect(program.startsWith(p.prompt + '    return True\n\n')).toBe(true);
    expect(program.endsWith('\ncheck(has_close_elements)')).toBe(true);
  });

  it('assembles MBPP as code, setup code, then the asserts', () => {
    const p = byId(loadProblems(join(data, 'mbpp/mbpp.jsonl')), '1');
    const program = assembleProgram(p, p.canonical_solution ?? '');
    expect(program.startsWith('R = 3\r\nC = 3')).toBe(true);
    expect(program.trimEnd().endsWith('assert min_cost([[3, 4, 5], [6, 10, 4], [3, 7, 5]], 2, 2) == 16')).toBe(true);
    expect(p.prompt).toContain('Your code should pass these tests:');
  });

  it('MBPP sanitized puts the test imports between the code and the asserts', () => {
    const problems = loadProblems(join(data, 'mbpp/sanitized-mbpp.json'));
    const withImports = problems.find((p) => p.suffix.includes('import math'));
    expect(withImports).toBeDefined();
  });

  it('HumanEval-X Python: CodeGeeX imports, and the completion cut at its first top-level line', () => {
    const p = byId(loadProblems(join(data, 'humaneval-x/python/humaneval_python.jsonl')), 'Python/0');
    const program = assembleProgram(p, '    return False\nprint("leak")\n    x = 1\n');
    expect(program.startsWith('import math\nimport re\n')).toBe(true);
    expect(program).toContain('from collections import *\n' + p.prompt + '    return False\n\n');
    expect(program).not.toContain('leak');
    expect(program.trimEnd().endsWith('check(has_close_elements)')).toBe(true);
  });

  it('HumanEval-X C++: the includes the prompt lacks, then prompt + code + "\\n" + test; CPP/162 links OpenSSL', () => {
    const problems = loadProblems(join(data, 'humaneval-x/cpp/humaneval_cpp.jsonl'));
    const p = byId(problems, 'CPP/0');
    const program = assembleProgram(p, 'BODY');
    expect(program.startsWith('#include<stdlib.h>\n#include<algorithm>\n')).toBe(true);
    expect(program).not.toContain('#include<stdio.h>\n#include<stdio.h>');
    expect(program).toContain(p.prompt + 'BODY\n#undef NDEBUG');
    expect(byId(problems, 'CPP/162').link).toEqual(['crypto', 'ssl']);
    expect(p.link).toEqual([]);
  });

  it('HumanEval-X Go: test setup, the prompt without its imports, and imports for packages the code uses', () => {
    const p = byId(loadProblems(join(data, 'humaneval-x/go/humaneval_go.jsonl')), 'Go/0');
    const program = assembleProgram(p, '    return math.Abs(1) > 0 && strings.Contains("", "")\n}\n');
    expect(program.startsWith('package main\n\nimport (\n    "testing"\n')).toBe(true);
    expect(program).toContain(')\n\nimport (\n"math"\n    "strings"\n)\n\n// Check if in given list');
    expect(program.match(/"math"/g)).toHaveLength(1);
    const plain = assembleProgram(p, '    return false\n}\n');
    expect(plain).toContain('"github.com/stretchr/testify/assert"\n)\n\n\n// Check if');
  });

  it('HumanEval-X Rust: fn main, the declaration without unavailable crates, prompt, code, test', () => {
    const p = byId(loadProblems(join(data, 'humaneval-x/rust/humaneval_rust.jsonl')), 'Rust/0');
    const program = assembleProgram(p, 'CODE');
    expect(program.startsWith('\nfn main(){ \n } \n\nuse std::{slice::Iter')).toBe(true);
    expect(program).not.toContain('use rand::Rng;');
    expect(program).toContain(p.prompt + 'CODE\n#[cfg(test)]');
  });

  it('MultiPL-E: prompt + completion + "\\n" + tests', () => {
    const p = byId(loadProblems(join(data, 'multipl-e/humaneval-cpp.jsonl')), 'HumanEval_23_strlen');
    expect(assembleProgram(p, '    return s.size();\n')).toBe(p.prompt + '    return s.size();\n' + '\n' + p.suffix.slice(1));
    expect(p.suffix.startsWith('\n}\nint main()')).toBe(true);
  });
});

describe('format detection and override', () => {
  it('detects each format from its keys and refuses unknown records', () => {
    expect(detectFormat({ task_id: 'x', prompt: '', canonical_solution: '', test: '', entry_point: 'f' })).toBe('humaneval');
    expect(detectFormat({ task_id: 'x', language: 'go', prompt: '', prefix: '', suffix: '' })).toBe('normalized');
    expect(detectFormat({ hello: 1 })).toBeNull();
    expect(detectFormat('text')).toBeNull();
  });

  it('an explicit format wins, and a record that does not match it names the file, line and key', () => {
    const path = join(data, 'humaneval/HumanEval.jsonl');
    expect(() => loadProblems(path, 'mbpp')).toThrow(/HumanEval\.jsonl:line 1: key "text": /);
  });

  it('a file with unknown keys asks for a format', () => {
    const path = file('odd.jsonl', '{"a": 1}\n');
    expect(() => loadProblems(path)).toThrow(`${path}:line 1: cannot tell the problem format`);
  });
});

describe('malformed input: one line naming the file and line', () => {
  const good = JSON.stringify({ task_id: 't/0', prompt: 'def f():\n', canonical_solution: '  return 1\n', test: '', entry_point: 'f' });

  it('a line that is not JSON', () => {
    const path = file('broken.jsonl', `${good}\n\n{"task_id": "t/1", "prompt": \n`);
    expect(() => loadProblems(path)).toThrow(new RegExp(`^${path}:line 3: not valid JSON`));
  });

  it('a record with a wrong field type', () => {
    const path = file('typed.jsonl', `${good}\n${JSON.stringify({ ...JSON.parse(good), task_id: 't/1', test: 5 })}\n`);
    expect(() => loadProblems(path)).toThrow(`${path}:line 2: key "test": `);
  });

  it('a duplicate task', () => {
    const path = file('dup.jsonl', `${good}\n${good}\n`);
    expect(() => loadProblems(path)).toThrow(`${path}:line 2: key "task_id": duplicate task t/0`);
  });

  it('a missing file and an empty file', () => {
    expect(() => loadProblems(join(dir, 'nope.jsonl'))).toThrow(`${join(dir, 'nope.jsonl')}:open: `);
    expect(() => loadProblems(file('empty.jsonl', '\n'))).toThrow(':line 1: no problems in the file');
  });

  it('an error message stays on one line', () => {
    const path = file('multi.jsonl', `${good}\n{"x":\n`);
    try {
      loadProblems(path);
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('\n');
    }
  });
});

describe('normalized format', () => {
  it('round-trips a problem: what the loaders produce is a valid normalized line', () => {
    const original = loadProblems(join(data, 'humaneval-x/go/humaneval_go.jsonl')).slice(0, 3);
    const path = file('norm.jsonl', original.map((p) => JSON.stringify(p)).join('\n'));
    const again = loadProblems(path);
    expect(again).toEqual(original.map((p) => ({ ...p })));
    expect(again[0] && assembleProgram(again[0], 'X')).toBe(original[0] && assembleProgram(original[0], 'X'));
  });

  it('fills defaults and rejects unknown keys and languages', () => {
    const path = file('min.jsonl', JSON.stringify({ task_id: 'a', language: 'lua', prompt: 'p', prefix: 'p', suffix: 's' }));
    const [p] = loadProblems(path);
    expect(p).toMatchObject({ harness: 'multipl-e', completion_rule: 'as-is', canonical_solution: null, link: [] });
    const bad = file('bad-lang.jsonl', JSON.stringify({ task_id: 'a', language: 'cobol', prompt: '', prefix: '', suffix: '' }));
    expect(() => loadProblems(bad)).toThrow(`${bad}:line 1: key "language": `);
    const extra = file('extra.jsonl', JSON.stringify({ task_id: 'a', language: 'lua', prompt: '', prefix: '', suffix: '', x: 1 }));
    expect(() => loadProblems(extra)).toThrow(`${extra}:line 1: `);
  });
});

describe('candidates', () => {
  it('reads completions and whole programs; a whole program runs as it is', () => {
    const path = file('cands.jsonl', '{"task_id": "HumanEval/0", "completion": "    return 1\\n"}\n{"task_id": 7, "program": "print(1)"}\n');
    const [a, b] = loadCandidates(path);
    expect(a).toEqual({ task_id: 'HumanEval/0', completion: '    return 1\n', extra: {} });
    expect(b).toEqual({ task_id: '7', program: 'print(1)', extra: {} });
    const p = byId(loadProblems(join(data, 'humaneval/HumanEval.jsonl')), 'HumanEval/0');
    expect(b && candidateProgram(p, b)).toBe('print(1)');
    expect(a && candidateProgram(p, a)).toBe(assembleProgram(p, '    return 1\n'));
  });

  it('keeps keys it does not know, untouched', () => {
    const line = { task_id: 'a', completion: 'x', id: 'c-17', model: 'm', temperature: 0.8, result: { passed: true } };
    const [c] = loadCandidates(file('c-extra.jsonl', JSON.stringify(line)));
    expect(c).toEqual({ task_id: 'a', completion: 'x', extra: { id: 'c-17', model: 'm', temperature: 0.8, result: { passed: true } } });
  });

  it("reads EvalPlus's {task_id, solution}: the solution takes the prompt's place", () => {
    const humanEval = byId(loadProblems(join(data, 'humaneval/HumanEval.jsonl')), 'HumanEval/0');
    const solution = humanEval.prompt + '    return 1\n';
    const [c] = loadCandidates(file('c-sol.jsonl', JSON.stringify({ task_id: 'HumanEval/0', solution })));
    expect(c).toEqual({ task_id: 'HumanEval/0', solution, extra: {} });
    expect(c && candidateProgram(humanEval, c)).toBe(assembleProgram(humanEval, '    return 1\n'));
    const mbpp = byId(loadProblems(join(data, 'mbpp/sanitized-mbpp.json')), '2');
    const [m] = loadCandidates(file('c-sol-mbpp.jsonl', JSON.stringify({ task_id: 2, solution: 'def f(): pass\n' })));
    expect(m && candidateProgram(mbpp, m)).toBe(assembleProgram(mbpp, 'def f(): pass\n'));
  });

  it('a candidate line with no text or two names the file and line', () => {
    const path = file('c-bad.jsonl', '{"task_id": "a", "completion": "x"}\n{"task_id": "b"}\n');
    const message = 'expected exactly one of the keys "completion", "program" or "solution"';
    expect(() => loadCandidates(path)).toThrow(`${path}:line 2: ${message}`);
    const two = file('c-two.jsonl', '{"task_id": "a", "completion": "x", "solution": "y"}\n');
    expect(() => loadCandidates(two)).toThrow(`${two}:line 1: ${message}`);
    const typed = file('c-typed.jsonl', '{"task_id": "a", "completion": 3}\n');
    expect(() => loadCandidates(typed)).toThrow(`${typed}:line 1: `);
  });
});
