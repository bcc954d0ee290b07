import { classifyExit } from '../classify';
import type { ProgramContext, StepCommand } from '../language';
import type { RawOutcome } from '../isolation/types';
import type { Limits } from '../limits';
import type { Classification } from '../verdict';

/** Address space node reserves beyond its heap (it fails to start under ~1.1 GiB of RLIMIT_AS). */
export const NODE_ADDRESS_HEADROOM = 1.5 * 1024 ** 3;

/**
 * Node breaks under a tight RLIMIT_AS (V8 reserves large address ranges), so the heap is capped by its own flag.
 * Every program gets a fresh node, even in a warm sandbox, though its start-up (~30-45 ms CPU) is most of a
 * candidate's cost. A long-lived node running each program in a worker_threads Worker (~15 ms) was tried and
 * rejected: a worker shares its process, so a program could rewrite the host's memory through /proc/self/mem,
 * run code in the host's main thread (inspector Session.connectToMainThread) or set process-wide V8 flags
 * (v8.setFlagsFromString('--use-strict') breaks the next program's sloppy-mode code), and none of that can be
 * closed from JavaScript. See test/core/sandbox/languages.test.ts for the state that must not carry over.
 */
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
