import { errorMessage } from '../error-message';
import type { ArtifactCache } from './artifact-cache';
import { classifyCompile } from './classify';
import { firstLine, generic, resultOf, sandboxError } from './execution-result';
import { capturedFrom } from './isolation/capture';
import type { Language, ProgramContext } from './language';
import { DEFAULT_COMPILE_LIMITS, type Limits } from './limits';
import { cacheKey } from './result-cache';
import { emptyOutput, type ExecutionResult } from './verdict';
import type { Slot, WorkerPool } from './worker-pool';

/**
 * What of the context can change a verdict. `warm` is in it: TypeScript's baseline type-checks with tsc (a type
 * error is a SyntaxError there) while warm runs strip types without checking.
 */
export function contextKey(context: ProgramContext): string[] {
  return [context.harness, context.link.join(' '), context.supportDir ?? '', String(context.warm ?? true)];
}

/**
 * One program through its language's steps in one slot: prepare (in-process: write files, or refuse), compile (in
 * the sandbox, once per program: the artifacts are kept), run (in the sandbox), each step's outcome classified.
 */
export async function runProgram(
  pool: WorkerPool,
  slot: Slot,
  artifacts: ArtifactCache,
  language: Language,
  program: string,
  limits: Limits,
  context: ProgramContext,
): Promise<ExecutionResult> {
  const started = performance.now();
  let prepared;
  try {
    prepared = await language.prepareProgram(program, context);
  } catch (err) {
    return sandboxError(`${language.id}: prepare failed: ${errorMessage(err)}`);
  }
  if (!prepared.ok) {
    const message = Buffer.from(prepared.message);
    const stderr = capturedFrom(message.subarray(0, limits.outputBytes), message.length);
    return {
      ...prepared.classification,
      exitCode: null,
      signal: null,
      phase: 'prepare',
      wallMs: performance.now() - started,
      cpuMs: null,
      stdout: emptyOutput(),
      stderr,
      detail: firstLine(prepared.message),
      cached: false,
    };
  }
  let files = prepared.files;
  const headroom = language.addressSpaceHeadroomBytes;
  const address = language.memory === 'address-space' || headroom !== undefined;
  const addressSpaceBytes = (step: Limits): number => step.memoryBytes + (language.memory === 'runtime' ? (headroom ?? 0) : 0);
  if (language.compile) {
    const compileKey = cacheKey(['compile', language.id, program, ...contextKey(context)]);
    const known = artifacts.get(compileKey);
    const compileLimits = { ...DEFAULT_COMPILE_LIMITS, outputBytes: limits.outputBytes };
    const command = known ? null : language.compile.command(compileLimits, context);
    if (known) {
      files = known;
    } else if (command) {
      const outcome = await pool.runJob(slot, {
        argv: command.argv,
        env: command.env,
        files: [...files, ...(command.files ?? [])],
        limits: compileLimits,
        addressSpaceLimit: address,
        addressSpaceBytes: addressSpaceBytes(compileLimits),
        collect: command.collect,
      });
      const classification = generic(outcome) ?? (language.compile.classify ?? classifyCompile)(outcome);
      if (classification.status !== 'OK') return resultOf(outcome, classification, 'compile', compileLimits);
      files = Object.entries(outcome.collected).map(([path, content]) => ({ path, content, executable: true }));
      artifacts.set(compileKey, files);
    }
  }
  const command = language.run(limits, context);
  const outcome = await pool.runJob(slot, {
    argv: command.argv,
    env: command.env,
    files: [...files, ...(command.files ?? [])],
    limits,
    addressSpaceLimit: address,
    addressSpaceBytes: addressSpaceBytes(limits),
    inlinePython: command.inlinePython,
    zygote: command.zygote,
  });
  const classification = generic(outcome) ?? language.classify(outcome, context, program);
  return resultOf(outcome, classification, 'run', limits);
}
