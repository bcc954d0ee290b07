/**
 * What RL changed, measured on the held-out problems: the policy samples N completions per problem as the generate
 * stage would (same problems, same sampling seed), they run against the tests, the reranker scores them, and
 * the figures are a random sample's pass@1 and the reranked pick's. Also the execution reward of PPO's rollouts.
 */
import { assembleProgram } from '../data/assemble';
import { type Problem, problemSchema } from '../data/problem';
import type { Engine } from '../engine/engine';
import type { ModelRef } from '../models/programs';
import { problemPromptText } from '../models/prompting';
import { promptTokens, sampleTokens } from '../models/sampling';
import { specialIds, type TextTokenizer } from '../models/tokenizers';
import type { SandboxRunner } from '../sandbox/runner';
import type { ProblemRecord } from '../store/loop-records';
import type { Db } from '../store/open-store';
import { checkpointOfIteration } from '../store/ppo-records';
import { scoreCandidates } from '../train/reward-trainer';
import { rerankMetrics } from './metrics/rerank';
import type { RunConfig } from './run-config';
import { seededPick, stageSeed } from './seeds';

export interface PolicyFigures {
  problems: number;
  /** A uniformly random sample's pass rate (the policy itself). */
  randomPass1: number;
  /** The reranker's top pick's pass rate. */
  rerankPass1: number;
  oraclePassN: number;
}

/** 1 where the completion passes its problem's tests, else 0. */
export async function executionRewards(sandbox: SandboxRunner, config: RunConfig, items: ReadonlyArray<{ problem: Problem; completion: string }>): Promise<number[]> {
  const limits = { timeoutMs: config.execute.timeoutS * 1000, memoryBytes: config.execute.memoryMb * 1024 ** 2 };
  const results = await sandbox.runBatch(
    items.map(({ problem, completion }) => ({
      language: problem.language,
      program: assembleProgram(problem, completion),
      limits,
      context: { harness: problem.harness, link: problem.link },
    })),
  );
  return results.map((r) => (r.status === 'OK' ? 1 : 0));
}

/** The held-out problems the generate stage samples for evaluation (the same ones every iteration). */
export function heldoutProblems(problems: readonly ProblemRecord[], config: RunConfig): ProblemRecord[] {
  const all = problems.filter((p) => p.split === 'heldout');
  return seededPick(all, config.generate.heldoutProblems ?? all.length, stageSeed(config.seed, 0, 'heldout-problems'));
}

export async function evaluatePolicy(
  engine: Engine,
  sandbox: SandboxRunner,
  config: RunConfig,
  iteration: number,
  models: { policy: ModelRef; reranker: ModelRef },
  tokenizer: TextTokenizer,
  heldout: readonly ProblemRecord[],
): Promise<PolicyFigures> {
  const special = specialIds(tokenizer);
  const problems = heldout.map((p) => problemSchema.parse(p.data));
  const samples = await sampleTokens(
    engine,
    models.policy,
    tokenizer,
    special,
    // The prompts generate samples from: a checkpoint's run prompts as its model takes them (its chat template).
    problems.map((p) => promptTokens(tokenizer, special, problemPromptText(tokenizer, config.model.generator === null ? 'completion' : config.model.prompting, p))),
    { ...config.sampling, seed: stageSeed(config.seed, iteration, 'sampling', config.sampling.seed) },
  );
  const items = samples.map((s) => ({ problem: problems[s.prompt]!, completion: s.text }));
  const passed = await executionRewards(sandbox, config, items);
  const scores = await scoreCandidates(engine, models.reranker, tokenizer, items.map((i) => ({ prompt: i.problem.prompt, completion: i.completion })));
  const byProblem = problems.map(() => [] as { score: number; passed: boolean }[]);
  samples.forEach((s, i) => byProblem[s.prompt]!.push({ score: scores[i]!, passed: passed[i] === 1 }));
  const m = rerankMetrics(byProblem);
  return { problems: m.problems, randomPass1: m.randomPass1, rerankPass1: m.rerankPass1, oraclePassN: m.oraclePassN };
}

export interface PolicyComparison {
  algorithm: string;
  /** The policy that generated this iteration's candidates (before this iteration's RL). */
  before: { randomPass1: number; rerankPass1: number };
  /** The policy after it, sampled afresh on the same held-out problems. */
  after: PolicyFigures;
}

/** Before and after this iteration's policy optimisation, or null when the ppo stage did not run in it. */
export function policyComparison(db: Db, iterationId: number, before: { random_pass1: number; rerank_pass1: number }): PolicyComparison | null {
  const meta = checkpointOfIteration(db, iterationId, 'generator')?.meta as { algorithm?: string; heldout?: PolicyFigures } | null | undefined;
  if (!meta?.heldout || !meta.algorithm) return null;
  return { algorithm: meta.algorithm, before: { randomPass1: before.random_pass1, rerankPass1: before.rerank_pass1 }, after: meta.heldout };
}
