import type { RawOutcome } from './isolation/types';
import type { Classification } from './verdict';

export interface ExitRules {
  /** stderr (or stdout) text that marks a syntax / compile error, as the language's MultiPL-E executor tests it. */
  syntaxError?: RegExp;
  /** stderr text that marks running out of memory (the runtime's own message under its memory flag or RLIMIT_AS). */
  memoryError?: RegExp;
  /** Look for syntaxError in stdout too (some runtimes, e.g. php, print parse errors there). */
  syntaxErrorInStdout?: boolean;
}

/**
 * MultiPL-E's rule for interpreted languages: exit 0 is OK, a non-zero exit is SyntaxError when the runtime's
 * syntax-error text appears, else Exception. MemoryLimit is ours: the runtime said it ran out of memory.
 */
export function classifyExit(outcome: RawOutcome, rules: ExitRules = {}): Classification {
  const verdict = (status: Classification['status']): Classification => ({ status, testsPassed: null, testsTotal: null });
  if (outcome.exitCode === 0 && outcome.signal === null) return verdict('OK');
  const stderr = outcome.stderr.text;
  if (rules.memoryError?.test(stderr)) return verdict('MemoryLimit');
  if (rules.syntaxError) {
    if (rules.syntaxError.test(stderr)) return verdict('SyntaxError');
    if (rules.syntaxErrorInStdout && rules.syntaxError.test(outcome.stdout.text)) return verdict('SyntaxError');
  }
  return verdict('Exception');
}

/** Compile steps: any failure of the compiler is the program's SyntaxError (MultiPL-E counts compile errors so). */
export function classifyCompile(outcome: RawOutcome): Classification {
  const ok = outcome.exitCode === 0 && outcome.signal === null;
  return { status: ok ? 'OK' : 'SyntaxError', testsPassed: null, testsTotal: null };
}
