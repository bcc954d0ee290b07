import { assembleProgram } from '../../data/assemble';
import { problemSchema } from '../../data/problem';
import { loadModel } from '../../models/checkpoint';
import { completionLogProbs } from '../../models/completion-logprobs';
import { uploadModel } from '../../models/programs';
import { TextTokenizer } from '../../models/tokenizers';
import { insertProbes, latestCheckpoint, listCandidates, listProblems, probesOf } from '../../store/loop-records';
import { checkpointOfIteration } from '../../store/ppo-records';
import { lineScoresOf } from '../../store/prm-records';
import { setIterationMetrics } from '../../store/runs';
import { type BaselineEvidence, iterationMetrics } from '../iteration-metrics';
import { ProgressMeter } from '../progress';
import { rerankerText } from '../reranker-texts';
import type { Stage, StageContext } from '../stage';
import { probeSignature, pythonProbeProgram } from '../weak-tests/python-probe';
import { policyComparison } from '../policy-eval';

/**
 * evaluate: best-of-N on the held-out problems with this iteration's reranker, against random, the free baselines
 * (generator likelihood, majority of identical programs), execution agreement and the oracle. Agreement runs each
 * held-out Python candidate on the weak-test probe's inputs (literals of the problem's calls, perturbed; never
 * their expected outputs) where execute did not already; candidates stored without log-probs are scored by the
 * current generator.
 */
export const evaluateStage: Stage = {
  name: 'evaluate',
  async run(ctx, config) {
    const reranker = latestCheckpoint(ctx.db, ctx.run.id, 'reranker');
    if (reranker === null) throw new Error('evaluate: no reranker has been trained in this run');
    const limits = { timeoutMs: config.execute.timeoutS * 1000, memoryBytes: config.execute.memoryMb * 1024 ** 2 };
    const evidence = await baselineEvidence(ctx, limits);
    // The PRM trained in this iteration (train-prm) picks too: by the mean and by the minimum of its line scores.
    const prm = checkpointOfIteration(ctx.db, ctx.iteration.id, 'prm');
    const lineScores = prm ? lineScoresOf(ctx.db, ctx.iteration.id, prm.id) : undefined;
    const metrics = iterationMetrics(ctx.db, ctx.run.id, ctx.iteration.id, reranker.id, { ...evidence.evidence, ...(lineScores ? { lineScores } : {}) });
    const b = metrics.baselines;
    const f = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));
    const policy = policyComparison(ctx.db, ctx.iteration.id, metrics);
    ctx.log(
      'info',
      `iteration ${ctx.iteration.index}: reranked pass@1 ${f(metrics.rerank_pass1)}, random ${f(b.random)}, mean log-prob ${f(b.mean_logprob)}, ` +
        `sum log-prob ${f(b.sum_logprob)}, majority ${f(b.majority)}, agreement ${f(b.agreement)}, agreement+reranker ${f(b.agreement_rerank)}, oracle ${f(b.oracle)}` +
        (prm ? `, PRM mean ${f(b.prm_mean ?? null)}, PRM min ${f(b.prm_min ?? null)}` : ''),
    );
    return {
      write: () => {
        insertProbes(ctx.db, evidence.newProbes);
        setIterationMetrics(ctx.db, ctx.iteration.id, policy ? { ...metrics, policy } : metrics);
      },
      output: { rerankPass1: metrics.rerank_pass1, randomPass1: metrics.random_pass1, oraclePassN: metrics.oracle_passn, baselines: b, ...(policy ? { policy } : {}) },
    };
  },
};

/**
 * What the baselines need beyond the store: generator log-probs of held-out candidates stored without them, and the
 * agreement outputs of held-out Python candidates execute did not probe (returned as new probes to store).
 */
export async function baselineEvidence(
  ctx: Pick<StageContext, 'db' | 'run' | 'iteration' | 'engine' | 'sandbox' | 'progress'>,
  limits: { timeoutMs: number; memoryBytes: number },
): Promise<{ evidence: BaselineEvidence; newProbes: Array<{ candidateId: number; signature: string | null }> }> {
  const problems = new Map(listProblems(ctx.db, ctx.run.id).map((p) => [p.id, p]));
  const heldout = listCandidates(ctx.db, ctx.iteration.id).filter((c) => problems.get(c.problemId)!.split === 'heldout');

  // Imported candidates carry no log-probs: the current generator scores them (none when the run has no generator).
  const unscored = heldout.filter((c) => c.logprobs === null || c.logprobs.length === 0);
  const logProbs = new Map<number, { mean: number; sum: number }>();
  const generatorFile = latestCheckpoint(ctx.db, ctx.run.id, 'generator')?.path;
  if (unscored.length > 0 && generatorFile !== undefined) {
    const generator = loadModel(generatorFile);
    const tokenizer = TextTokenizer.load(latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path);
    const engine = await ctx.engine();
    const model = await uploadModel(engine, generator.config, generator.heads, generator.tensors);
    const scored = await completionLogProbs(engine, model, tokenizer, unscored.map((c) => rerankerText(problems, c)));
    unscored.forEach((c, i) => logProbs.set(c.id, scored[i]!));
  }

  const outputs = new Map(probesOf(ctx.db, ctx.iteration.id));
  const toProbe = heldout.filter((c) => !outputs.has(c.id) && problems.get(c.problemId)!.language === 'python');
  const meter = new ProgressMeter('agreement', toProbe.length, ctx.progress);
  const results = toProbe.length
    ? await ctx.sandbox.runBatch(
        toProbe.map((c) => {
          const problem = problemSchema.parse(problems.get(c.problemId)!.data);
          const program = pythonProbeProgram(assembleProgram({ ...problem, suffix: '' }, c.code), problem.suffix);
          return { language: problem.language, program, limits, context: { harness: problem.harness, link: problem.link } };
        }),
        { onProgress: () => meter.tick() },
      )
    : [];
  const newProbes = toProbe.map((c, i) => ({ candidateId: c.id, signature: probeSignature(results[i]!.stdout.text) }));
  for (const p of newProbes) outputs.set(p.candidateId, p.signature);
  return { evidence: { logProbs, outputs }, newProbes };
}
