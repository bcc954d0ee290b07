import { assembleProgram } from '../../data/assemble';
import { problemSchema, type Problem } from '../../data/problem';
import type { RunRequest } from '../../sandbox/runner';
import type { ExecutionResult } from '../../sandbox/verdict';
import { insertExecutions, insertProbes, listCandidates, listProblems, type ExecutionRecord } from '../../store/loop-records';
import { ProgressMeter } from '../progress';
import type { Stage, StageContext } from '../stage';
import { probeSignature, pythonProbeProgram } from '../weak-tests/python-probe';

/** execute: every candidate of the iteration against its problem's tests, in the sandbox. */
export const executeStage: Stage = {
  name: 'execute',
  async run(ctx, { execute: config }) {
    const problems = new Map(listProblems(ctx.db, ctx.run.id).map((p) => [p.id, problemSchema.parse(p.data)]));
    const candidates = listCandidates(ctx.db, ctx.iteration.id);
    const limits = { timeoutMs: config.timeoutS * 1000, memoryBytes: config.memoryMb * 1024 ** 2 };
    const request = (problem: Problem, program: string): RunRequest => ({
      language: problem.language,
      program,
      limits,
      context: { harness: problem.harness, link: problem.link },
    });

    const candidateRun = (c: { problemId: number; code: string }): RunRequest => {
      const problem = problems.get(c.problemId)!;
      return request(problem, assembleProgram(problem, c.code));
    };

    const first = await runAll(ctx, 'execute', candidates.map(candidateRun));
    const executions: ExecutionRecord[] = candidates.map((c, i) => toRecord(c.id, 0, first[i]!));

    // A second run past the cache: a verdict that changes is inconclusive, and the loop shows it to a person.
    const inconclusive = candidates.flatMap((c, i) => (['Timeout', 'SandboxError'].includes(first[i]!.status) ? [i] : []));
    if (config.rerunInconclusive && inconclusive.length > 0) {
      const again = await ctx.sandbox.runBatch(inconclusive.map((i) => candidateRun(candidates[i]!)), { fresh: true });
      inconclusive.forEach((i, k) => executions.push(toRecord(candidates[i]!.id, 1, again[k]!)));
    }

    const probeTargets = config.probeWeakTests
      ? candidates.filter((c, i) => first[i]!.status === 'OK' && problems.get(c.problemId)!.language === 'python')
      : [];
    const probed = await runAll(
      ctx,
      'probe',
      probeTargets.map((c) => {
        const problem = problems.get(c.problemId)!;
        const withoutTests = { ...problem, suffix: '' };
        return request(problem, pythonProbeProgram(assembleProgram(withoutTests, c.code), problem.suffix));
      }),
    );
    const probes = probeTargets.map((c, i) => ({ candidateId: c.id, signature: probeSignature(probed[i]!.stdout.text) }));

    const counts: Record<string, number> = {};
    for (const result of first) counts[result.status] = (counts[result.status] ?? 0) + 1;
    return {
      write: () => {
        insertExecutions(ctx.db, executions);
        insertProbes(ctx.db, probes);
      },
      output: { candidates: candidates.length, statuses: counts, reruns: inconclusive.length, probes: probes.length },
    };
  },
};

async function runAll(ctx: StageContext, label: string, requests: RunRequest[]): Promise<ExecutionResult[]> {
  if (requests.length === 0) return [];
  const meter = new ProgressMeter(label, requests.length, ctx.progress);
  return ctx.sandbox.runBatch(requests, { onProgress: () => meter.tick() });
}

function toRecord(candidateId: number, attempt: number, r: ExecutionResult): ExecutionRecord {
  return {
    candidateId,
    attempt,
    status: r.status,
    exitCode: r.exitCode,
    testsPassed: r.testsPassed,
    testsTotal: r.testsTotal,
    wallMs: r.wallMs,
    cpuMs: r.cpuMs,
    stdout: r.stdout.text,
    stderr: r.stderr.text,
  };
}
