import { classifyExit } from '../classify';
import type { Language } from '../language';
import { pythonTestCounts } from './python-tests';

/** MultiPL-E eval_python.py: `python3 file.py`; "SyntaxError" in stderr marks a syntax error (we also count its
 * subclasses IndentationError and TabError, which MultiPL-E's string test misses). Tests passed / total are
 * counted from the program's asserts (python-tests.ts). */
export const python: Language = {
  id: 'python',
  displayName: 'Python',
  multiplE: 'py',
  debianPackages: ['python3'],
  executables: ['/usr/bin/python3'],
  memory: 'address-space',
  prepareProgram: (program) => ({ ok: true, files: [{ path: 'main.py', content: program }] }),
  run: () => ({ argv: ['/usr/bin/python3', 'main.py'], inlinePython: 'main.py' }),
  classify: (outcome, _context, program) => {
    const base = classifyExit(outcome, { syntaxError: /\b(SyntaxError|IndentationError|TabError)\b/, memoryError: /\bMemoryError\b/ });
    return { ...base, ...(program === undefined ? {} : pythonTestCounts(program, base.status, outcome.stderr.text)) };
  },
  smoke: { ok: 'def add(a, b):\n    return a + b\n\nassert add(2, 3) == 5\n', notOk: 'assert 1 + 1 == 3\n' },
};
