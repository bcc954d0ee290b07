import probeSource from './probe.py?raw';

/**
 * A probe for weak tests in Python problems: run a passing candidate on inputs near the ones its tests use and print
 * a digest of what it returned. Passing candidates of one problem that disagree there are told apart by nothing
 * but their tests' weakness. The probe finds the calls in the problem's asserts itself (Python's ast), perturbs one
 * literal argument at a time, and calls only functions the program defines.
 */
export function pythonProbeProgram(prefixAndCompletion: string, testSuffix: string): string {
  // A JSON string literal is a Python string literal too.
  return `${prefixAndCompletion}\n\n${probeSource}\n_rr_probe(${JSON.stringify(testSuffix)})\n`;
}

/** The digest a probe printed, or null when it printed none (it crashed, or found no calls to vary). */
export function probeSignature(stdout: string): string | null {
  const match = stdout.match(/^rr-probe (\d+) ([0-9a-f]{64})$/m);
  if (!match || match[1] === '0') return null;
  return match[2]!;
}
