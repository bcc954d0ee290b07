import { classifyExit } from '../classify';
import type { ProgramContext, StepCommand } from '../language';
import type { RawOutcome } from '../isolation/types';
import type { Limits } from '../limits';
import type { Classification } from '../verdict';

/** Address space node reserves beyond its heap (it fails to start under ~1.1 GiB of RLIMIT_AS). */
export const NODE_ADDRESS_HEADROOM = 1.5 * 1024 ** 3;

/** Node breaks under a tight RLIMIT_AS (V8 reserves large address ranges), so the heap is capped by its own flag. */
export function nodeCommand(limits: Limits, file: string): StepCommand {
  const heapMb = Math.max(16, Math.floor(limits.memoryBytes / 1024 ** 2));
  return { argv: ['node', `--max-old-space-size=${heapMb}`, file] };
}

/**
 * MultiPL-E eval_javascript.py: exit 0 is OK; "SyntaxError" in stderr is a syntax error; anything else (its
 * AssertionError and ReferenceError included) is an Exception. CodeGeeX (HumanEval-X) also fails a program that
 * writes anything, since its tests use console.assert, which prints instead of throwing.
 */
export function classifyNode(outcome: RawOutcome, context?: ProgramContext): Classification {
  const result = classifyExit(outcome, {
    syntaxError: /\bSyntaxError\b/,
    memoryError: /heap out of memory|Allocation failed - JavaScript heap|Array buffer allocation failed/,
  });
  if (result.status === 'OK' && context?.harness === 'humaneval-x' && outcome.stdout.bytes + outcome.stderr.bytes > 0) {
    return { ...result, status: 'Exception' };
  }
  return result;
}
