/**
 * Benchmark of issue 12 on the embedded default, per seed: the loop's first iteration up to the reranker
 * (tokenizer, SFT, generate, execute, score, mine, train-reranker; cached in the workspace), then from the SFT
 * generator three policy optimisations against it: PPO with the reranker's reward, GRPO with it, and PPO with the
 * execution reward alone. Each policy samples the held-out problems as the generate stage does (temperature and N
 * of the run config); figures: a random sample's pass@1 and the reranked pick's, KL to the reference at the end
 * and seconds per round and per optimizer step.
 */
import { join } from 'node:path';
import { problemSchema } from '../../core/data/problem';
import { Engine } from '../../core/engine/engine';
import { iterate, storeFile } from '../../core/loop/pipeline';
import { evaluatePolicy, executionRewards, heldoutProblems, type PolicyFigures } from '../../core/loop/policy-eval';
import { runConfigSchema } from '../../core/loop/run-config';
import { stageSeed } from '../../core/loop/seeds';
import { executeStage } from '../../core/loop/stages/execute';
import { generateStage } from '../../core/loop/stages/generate';
import { mineStage } from '../../core/loop/stages/mine';
import { scoreStage } from '../../core/loop/stages/score';
import { sftStage } from '../../core/loop/stages/sft';
import { tokenizerStage } from '../../core/loop/stages/tokenizer';
import { trainRerankerStage } from '../../core/loop/stages/train-reranker';
import { loadModel } from '../../core/models/checkpoint';
import { uploadModel } from '../../core/models/programs';
import { TextTokenizer } from '../../core/models/tokenizers';
import { SandboxRunner } from '../../core/sandbox/runner';
import { latestCheckpoint, listProblems } from '../../core/store/loop-records';
import { openStore } from '../../core/store/open-store';
import type { PpoConfigInput } from '../../core/train/ppo-config';
import { trainPpo } from '../../core/train/ppo-trainer';
import { scoreCandidates } from '../../core/train/reward-trainer';

export interface RlVariantFigures extends PolicyFigures {
  finalKl: number;
  firstReward: number | null;
  lastReward: number | null;
  secondsPerRound: number;
  secondsPerStep: number;
}

export interface RlSeedResult {
  seed: number;
  sft: PolicyFigures;
  /** Only the variants the bench was asked for. */
  ppo?: RlVariantFigures;
  grpo?: RlVariantFigures;
  ppo_execution_reward?: RlVariantFigures;
}

export interface RlBenchResult {
  seeds: RlSeedResult[];
  /** Seeds where the PPO policy's held-out pass@1 (random sample) is above the SFT generator's (null: not run). */
  ppo_above_sft: number | null;
  grpo_above_sft: number | null;
  ppo_execution_above_sft: number | null;
  ppo_config: PpoConfigInput;
  train_problems: number;
  heldout_problems: number;
  seconds: number;
}

export type RlVariantName = 'ppo' | 'grpo' | 'ppo_execution_reward';

export const rlVariants: Record<RlVariantName, PpoConfigInput> = {
  ppo: { algorithm: 'ppo' },
  grpo: { algorithm: 'grpo' },
  ppo_execution_reward: { algorithm: 'ppo', rewardModelWeight: 0, executionRewardWeight: 1 },
};

export const rlVariantNames = Object.keys(rlVariants) as RlVariantName[];

export interface RlBenchOptions {
  out: string;
  seeds: number[];
  ppo?: PpoConfigInput;
  /** Training problems sampled for the reranker's pairs (the run config's generate.trainProblems); default: its default. */
  trainProblems?: number;
  /** Held-out problems every policy is evaluated on; default: all. */
  heldoutProblems?: number;
  /** The policy optimisations to run; default: all. */
  variants?: RlVariantName[];
  log: (line: string) => void;
}

export async function benchRl(options: RlBenchOptions): Promise<RlBenchResult> {
  const started = performance.now();
  const results: RlSeedResult[] = [];
  for (const seed of options.seeds) {
    const workspace = join(options.out, `seed-${seed}`);
    // The cached part runs with the embedded default (a changed config would not resume it); PPO's overrides apply below.
    const generate = { ...(options.trainProblems ? { trainProblems: options.trainProblems } : {}), ...(options.heldoutProblems ? { heldoutProblems: options.heldoutProblems } : {}) };
    const config = runConfigSchema.parse({ seed, iterations: 1, generate });
    options.log(`seed ${seed}: SFT and reranker (cached in ${workspace})`);
    const run = await iterate({
      workspace,
      config,
      stages: [tokenizerStage, sftStage, generateStage, executeStage, scoreStage, mineStage, trainRerankerStage],
      onStage: (_i, stage, state) => state === 'done' && options.log(`  ${stage} done`),
    });
    const db = openStore(storeFile(workspace));
    const engine = await Engine.start();
    const sandbox = new SandboxRunner({ jobs: 2 });
    try {
      const tokenizer = TextTokenizer.load(latestCheckpoint(db, run.id, 'tokenizer')!.path);
      const sft = loadModel(latestCheckpoint(db, run.id, 'generator')!.path);
      const rerankerSaved = loadModel(latestCheckpoint(db, run.id, 'reranker')!.path);
      const reranker = await uploadModel(engine, rerankerSaved.config, rerankerSaved.heads, rerankerSaved.tensors);
      const problems = listProblems(db, run.id);
      const heldout = heldoutProblems(problems, config);
      const train = problems.filter((p) => p.split === 'train').map((p) => problemSchema.parse(p.data));
      const sftModel = await uploadModel(engine, sft.config, sft.heads, sft.tensors);
      const sftFigures = await evaluatePolicy(engine, sandbox, config, 0, { policy: sftModel, reranker }, tokenizer, heldout);
      options.log(`seed ${seed}: SFT held-out pass@1 ${sftFigures.randomPass1.toFixed(3)}, reranked ${sftFigures.rerankPass1.toFixed(3)}`);
      const variant = async (name: RlVariantName): Promise<RlVariantFigures> => {
        const result = await trainPpo(
          engine,
          { config: sft.config, tensors: sft.tensors },
          tokenizer,
          train.map((p) => p.prompt),
          {
            score: (items) => scoreCandidates(engine, reranker, tokenizer, items.map((i) => ({ prompt: train[i.prompt]!.prompt, completion: i.completion }))),
            execute: (items) => executionRewards(sandbox, config, items.map((i) => ({ problem: train[i.prompt]!, completion: i.completion }))),
          },
          { ...config.ppo, ...options.ppo, ...rlVariants[name], seed: stageSeed(seed, 0, 'ppo') },
          {
            stop: config.sampling.stop,
            rowsPerBatch: config.sampling.rowsPerBatch,
            onLog: (l) => options.log(`  ${name} round ${l.update}: reward ${l.reward.toFixed(3)} KL ${l.kl.toFixed(3)} clip ${l.clipFraction.toFixed(3)} entropy ${l.entropy.toFixed(3)} approxKL ${l.approxKl.toFixed(4)} (${l.seconds.toFixed(1)} s)`),
          },
        );
        const figures = await evaluatePolicy(engine, sandbox, config, 0, { policy: result.model, reranker }, tokenizer, heldout);
        options.log(`seed ${seed}: ${name} held-out pass@1 ${figures.randomPass1.toFixed(3)}, reranked ${figures.rerankPass1.toFixed(3)}, KL ${result.metrics.finalKl.toFixed(3)}`);
        return {
          ...figures,
          finalKl: result.metrics.finalKl,
          firstReward: result.metrics.firstReward,
          lastReward: result.metrics.lastReward,
          secondsPerRound: result.metrics.secondsPerRound,
          secondsPerStep: result.metrics.secondsPerStep,
        };
      };
      const seedResult: RlSeedResult = { seed, sft: sftFigures };
      for (const name of options.variants ?? rlVariantNames) seedResult[name] = await variant(name);
      results.push(seedResult);
    } finally {
      await sandbox.close();
      await engine.close();
      db.close();
    }
  }
  const above = (name: RlVariantName): number | null =>
    results.some((r) => r[name]) ? results.filter((r) => (r[name]?.randomPass1 ?? -1) > r.sft.randomPass1).length : null;
  return {
    seeds: results,
    ppo_above_sft: above('ppo'),
    grpo_above_sft: above('grpo'),
    ppo_execution_above_sft: above('ppo_execution_reward'),
    ppo_config: { ...runConfigSchema.parse({}).ppo, ...options.ppo },
    train_problems: options.trainProblems ?? runConfigSchema.parse({}).generate.trainProblems,
    heldout_problems: results[0]?.sft.problems ?? 0,
    seconds: (performance.now() - started) / 1000,
  };
}
