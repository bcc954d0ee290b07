import type { RawOutcome } from './isolation/types';
import type { Limits } from './limits';
import { emptyOutput, type Classification, type ExecutionResult } from './verdict';

function verdict(status: Classification['status']): Classification {
  return { status, testsPassed: null, testsTotal: null };
}

/** The verdicts the runner decides before the language looks: ours, the clock's, the output cap's. */
export function generic(outcome: RawOutcome): Classification | null {
  if (outcome.sandboxError !== null) return verdict('SandboxError');
  if (outcome.timedOut) return verdict('Timeout');
  if (outcome.outputLimitExceeded) return verdict('OutputLimit');
  if (outcome.memoryLimitExceeded) return verdict('MemoryLimit');
  if (outcome.supervisorLost) return verdict('Exception');
  return null;
}

export function resultOf(outcome: RawOutcome, classification: Classification, phase: ExecutionResult['phase'], limits: Limits): ExecutionResult {
  return {
    ...classification,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    phase,
    wallMs: Math.round(outcome.wallMs * 10) / 10,
    cpuMs: outcome.cpuMs === null ? null : Math.round(outcome.cpuMs * 10) / 10,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    detail: detailOf(outcome, classification, phase, limits),
    cached: false,
  };
}

function detailOf(outcome: RawOutcome, c: Classification, phase: ExecutionResult['phase'], limits: Limits): string | null {
  switch (c.status) {
    case 'OK':
      return null;
    case 'SandboxError':
      return `sandbox: ${outcome.sandboxError ?? 'unknown failure'}`;
    case 'Timeout':
      return `${phase === 'compile' ? 'compiler ' : ''}killed after ${limits.timeoutMs / 1000} s`;
    case 'OutputLimit':
      return `killed after writing more than ${limits.outputHardCapBytes} bytes`;
    case 'MemoryLimit':
      if (outcome.memoryLimitExceeded) return 'killed: its processes together held more memory than allowed';
      return errorLine(outcome.stderr.text) ?? 'out of memory';
    default:
      if (outcome.supervisorLost) return firstLine(outcome.stderr.text);
      return (
        errorLine(outcome.stderr.text) ??
        errorLine(outcome.stdout.text) ??
        (outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.exitCode}`)
      );
  }
}

export function firstLine(text: string): string | null {
  const line = text.split('\n').find((l) => l.trim() !== '');
  return line ? line.trim().slice(0, 300) : null;
}

/** The last line that names an error (runtimes end with noise such as node's version line), else the last line. */
function errorLine(text: string): string | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const line = lines.findLast((l) => /error|exception|fail/i.test(l)) ?? lines.at(-1);
  return line ? line.trim().slice(0, 300) : null;
}

export function sandboxError(message: string): ExecutionResult {
  return {
    status: 'SandboxError',
    testsPassed: null,
    testsTotal: null,
    exitCode: null,
    signal: null,
    phase: 'prepare',
    wallMs: 0,
    cpuMs: null,
    stdout: emptyOutput(),
    stderr: emptyOutput(),
    detail: message,
    cached: false,
  };
}
