import type { Classification } from '../verdict';

/**
 * Tests passed / total of a Python program whose tests are asserts: top-level `assert` lines (the embedded default
 * set, HumanEval-X) or the asserts inside MultiPL-E's `def check(candidate):`. Python stops at the first failing
 * assert, so on a failure the asserts before the failing one (the traceback's frame in the program) passed. A
 * program without such asserts, or one that failed outside them after the first, has no count (null).
 */
export function pythonTestCounts(program: string, status: Classification['status'], stderr: string): Pick<Classification, 'testsPassed' | 'testsTotal'> {
  const tests = assertLines(program);
  const none = { testsPassed: null, testsTotal: null };
  if (tests.length === 0) return none;
  const total = tests.length;
  if (status === 'OK') return { testsPassed: total, testsTotal: total };
  if (status === 'SyntaxError') return { testsPassed: 0, testsTotal: total };
  if (status !== 'Exception') return none;
  const frames = [...stderr.matchAll(/File "(?:[^"]*\/)?main\.py", line (\d+)/g)].map((m) => Number(m[1]));
  const failing = frames.find((line) => tests.includes(line));
  if (failing !== undefined) return { testsPassed: tests.filter((line) => line < failing).length, testsTotal: total };
  // Failed before reaching the first test (at import or definition time): none of them ran.
  return frames.length > 0 && Math.max(...frames) < tests[0]! ? { testsPassed: 0, testsTotal: total } : none;
}

/** 1-based line numbers of the program's test asserts, in order. */
function assertLines(program: string): number[] {
  const lines = program.split('\n');
  const found: number[] = [];
  let inCheck = false;
  lines.forEach((line, i) => {
    const topLevel = line.length > 0 && line[0] !== ' ' && line[0] !== '\t';
    if (topLevel && line.trim() !== '') inCheck = /^def check\s*\(/.test(line);
    if (topLevel ? /^assert\b/.test(line) : inCheck && /^\s+assert\b/.test(line)) found.push(i + 1);
  });
  return found;
}
