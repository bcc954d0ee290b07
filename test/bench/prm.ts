/**
 * Benchmark of issue 13 on the embedded default, per seed: the loop's first iteration up to the process reward
 * model (tokenizer, SFT, generate, execute, score, mine, train-reranker, label-lines, train-prm; cached in the
 * workspace), then from the SFT generator the paper's four-way ablation (arXiv 2410.17621): PPO baseline, + dense
 * reward, + value initialisation from the PRM, + both. All four use a separate critic, so the only difference between
 * the baseline and value init is where the critic starts (the policy's backbone with a zero head, or the PRM).
 * Figures: held-out pass@1 of each policy (a random sample and the reranked pick), the PRM's line-label accuracy on
 * held-out labelled candidates, the labelling cost (executions per labelled candidate, seconds), PPO seconds per
 * round; and the done-when check "PPO + both not below the PPO baseline" per seed.
 */
import { join } from 'node:path';
import { problemSchema } from '../../core/data/problem';
import { Engine } from '../../core/engine/engine';
import { iterate, storeFile } from '../../core/loop/pipeline';
import { evaluatePolicy, executionRewards, heldoutProblems, type PolicyFigures } from '../../core/loop/policy-eval';
import { loadRunConfig, runConfigSchema } from '../../core/loop/run-config';
import { stageSeed } from '../../core/loop/seeds';
import { executeStage } from '../../core/loop/stages/execute';
import { generateStage } from '../../core/loop/stages/generate';
import { labelLinesStage } from '../../core/loop/stages/label-lines';
import { mineStage } from '../../core/loop/stages/mine';
import { scoreStage } from '../../core/loop/stages/score';
import { sftStage } from '../../core/loop/stages/sft';
import { tokenizerStage } from '../../core/loop/stages/tokenizer';
import { trainPrmStage } from '../../core/loop/stages/train-prm';
import { trainRerankerStage } from '../../core/loop/stages/train-reranker';
import { loadModel } from '../../core/models/checkpoint';
import { uploadModel } from '../../core/models/programs';
import { TextTokenizer } from '../../core/models/tokenizers';
import { SandboxRunner } from '../../core/sandbox/runner';
import { latestCheckpoint, listProblems } from '../../core/store/loop-records';
import { openStore } from '../../core/store/open-store';
import { listIterations, stagesOf } from '../../core/store/runs';
import type { PpoConfigInput } from '../../core/train/ppo-config';
import { trainPpo } from '../../core/train/ppo-trainer';
import { lineScores } from '../../core/train/prm-trainer';
import { scoreCandidates } from '../../core/train/reward-trainer';

export interface PrmVariantFigures extends PolicyFigures {
  finalKl: number;
  /** Mean over rounds of the dense rewards' share of all reward given (null without dense reward). */
  denseShare: number | null;
  secondsPerRound: number;
}

export interface PrmSeedResult {
  seed: number;
  sft: PolicyFigures;
  /** The train-prm stage's held-out line-label accuracy (share of non-zero labels whose sign the PRM's score matches). */
  prm_line_accuracy: number | null;
  labelling: { labelled_candidates: number | null; executions: number | null; executions_per_candidate: number | null; seconds: number };
  ppo: PrmVariantFigures;
  ppo_dense: PrmVariantFigures;
  ppo_value_init: PrmVariantFigures;
  ppo_both: PrmVariantFigures;
  /** Done when: PPO + both not below the PPO baseline (held-out pass@1 of a random sample). */
  both_not_below_baseline: boolean;
}

export interface PrmBenchResult {
  seeds: PrmSeedResult[];
  both_not_below_baseline: number;
  ppo_config: PpoConfigInput;
  /** Training problems sampled per iteration (null when the candidates come from a file). */
  train_problems: number | null;
  heldout_problems: number;
  seconds: number;
}

export const prmVariants: Record<'ppo' | 'ppo_dense' | 'ppo_value_init' | 'ppo_both', PpoConfigInput> = {
  ppo: { algorithm: 'ppo', critic: 'separate', valueInit: 'none', denseReward: false },
  ppo_dense: { algorithm: 'ppo', critic: 'separate', valueInit: 'none', denseReward: true },
  ppo_value_init: { algorithm: 'ppo', critic: 'separate', valueInit: 'prm', denseReward: false },
  ppo_both: { algorithm: 'ppo', critic: 'separate', valueInit: 'prm', denseReward: true },
};

export interface PrmBenchOptions {
  out: string;
  /** A run config file laid over the embedded default (null: the embedded default), e.g. tiny models for a smoke run. */
  config: string | null;
  seeds: number[];
  ppo?: PpoConfigInput;
  /** Training problems sampled for the reranker's pairs and the labels (the run config's generate.trainProblems). */
  trainProblems?: number;
  /** Held-out problems every policy is evaluated on; default: all. */
  heldoutProblems?: number;
  /** Overrides of the run config's prm section for the cached part (labelling and PRM training sizes). */
  prm?: Record<string, unknown>;
  log: (line: string) => void;
}

const numberAt = (o: unknown, key: string): number | null => {
  const v = typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

export async function benchPrm(options: PrmBenchOptions): Promise<PrmBenchResult> {
  const started = performance.now();
  const results: PrmSeedResult[] = [];
  const base = loadRunConfig(options.config);
  const generate = { ...base.generate, ...(options.trainProblems ? { trainProblems: options.trainProblems } : {}), ...(options.heldoutProblems ? { heldoutProblems: options.heldoutProblems } : {}) };
  for (const seed of options.seeds) {
    const workspace = join(options.out, `seed-${seed}`);
    // The cached part runs with the config plus the PRM (a changed config would not resume it); the variants' PPO
    // overrides apply below.
    const config = runConfigSchema.parse({ ...base, seed, iterations: 1, generate, prm: { ...base.prm, ...options.prm, enabled: true } });
    options.log(`seed ${seed}: SFT, reranker, line labels and PRM (cached in ${workspace})`);
    const run = await iterate({
      workspace,
      config,
      stages: [tokenizerStage, sftStage, generateStage, executeStage, scoreStage, mineStage, trainRerankerStage, labelLinesStage, trainPrmStage],
      onStage: (_i, stage, state) => state === 'done' && options.log(`  ${stage} done`),
    });
    const db = openStore(storeFile(workspace));
    const engine = await Engine.start();
    const sandbox = new SandboxRunner({ jobs: 2 });
    try {
      const stages = new Map(stagesOf(db, listIterations(db, run.id)[0]!.id).map((s) => [s.stage, s]));
      const labelStage = stages.get('label-lines');
      const labelled = numberAt(labelStage?.output, 'labelled');
      const executions = numberAt(labelStage?.output, 'executions');
      const labelling = {
        labelled_candidates: labelled,
        executions,
        executions_per_candidate: labelled && executions !== null ? executions / labelled : null,
        seconds: numberAt(labelStage?.output, 'seconds') ?? (labelStage ? (Date.parse(labelStage.finishedAt) - Date.parse(labelStage.startedAt)) / 1000 : 0),
      };
      const prmLineAccuracy = numberAt(stages.get('train-prm')?.output, 'heldoutLineAccuracy');

      const tokenizer = TextTokenizer.load(latestCheckpoint(db, run.id, 'tokenizer')!.path);
      const sft = loadModel(latestCheckpoint(db, run.id, 'generator')!.path);
      const rerankerSaved = loadModel(latestCheckpoint(db, run.id, 'reranker')!.path);
      const prmCheckpoint = latestCheckpoint(db, run.id, 'prm');
      if (!prmCheckpoint) throw new Error(`${storeFile(workspace)}: the train-prm stage saved no 'prm' checkpoint`);
      const prmSaved = loadModel(prmCheckpoint.path);
      const reranker = await uploadModel(engine, rerankerSaved.config, rerankerSaved.heads, rerankerSaved.tensors);
      const prm = await uploadModel(engine, prmSaved.config, prmSaved.heads, prmSaved.tensors);
      const problems = listProblems(db, run.id);
      const heldout = heldoutProblems(problems, config);
      const train = problems.filter((p) => p.split === 'train').map((p) => problemSchema.parse(p.data));
      const asPrompts = (items: ReadonlyArray<{ prompt: number; completion: string }>) => items.map((i) => ({ prompt: train[i.prompt]!.prompt, completion: i.completion }));
      const sftModel = await uploadModel(engine, sft.config, sft.heads, sft.tensors);
      const sftFigures = await evaluatePolicy(engine, sandbox, config, 0, { policy: sftModel, reranker }, tokenizer, heldout);
      options.log(`seed ${seed}: SFT held-out pass@1 ${sftFigures.randomPass1.toFixed(3)}, reranked ${sftFigures.rerankPass1.toFixed(3)}; PRM line accuracy ${prmLineAccuracy?.toFixed(3) ?? 'n/a'}`);
      const variant = async (name: keyof typeof prmVariants): Promise<PrmVariantFigures> => {
        const result = await trainPpo(
          engine,
          { config: sft.config, tensors: sft.tensors, prm: { config: prmSaved.config, tensors: prmSaved.tensors } },
          tokenizer,
          train.map((p) => p.prompt),
          {
            score: (items) => scoreCandidates(engine, reranker, tokenizer, asPrompts(items)),
            execute: (items) => executionRewards(sandbox, config, items.map((i) => ({ problem: train[i.prompt]!, completion: i.completion }))),
            lineScores: (items) => lineScores(engine, prm, tokenizer, asPrompts(items)),
          },
          { ...config.ppo, ...options.ppo, ...prmVariants[name], seed: stageSeed(seed, 0, 'ppo') },
          {
            stop: config.sampling.stop,
            rowsPerBatch: config.sampling.rowsPerBatch,
            onLog: (l) =>
              options.log(
                `  ${name} round ${l.update}: reward ${l.reward.toFixed(3)} dense ${l.denseReward?.toFixed(3) ?? '-'} KL ${l.kl.toFixed(3)} value loss ${l.valueLoss?.toFixed(4) ?? '-'} (${l.seconds.toFixed(1)} s)`,
              ),
          },
        );
        const figures = await evaluatePolicy(engine, sandbox, config, 0, { policy: result.model, reranker }, tokenizer, heldout);
        const dense = result.logs.filter((l) => l.denseShare !== null);
        options.log(`seed ${seed}: ${name} held-out pass@1 ${figures.randomPass1.toFixed(3)}, reranked ${figures.rerankPass1.toFixed(3)}, KL ${result.metrics.finalKl.toFixed(3)}`);
        return {
          ...figures,
          finalKl: result.metrics.finalKl,
          denseShare: dense.length ? dense.reduce((s, l) => s + l.denseShare!, 0) / dense.length : null,
          secondsPerRound: result.metrics.secondsPerRound,
        };
      };
      const ppo = await variant('ppo');
      const ppoDense = await variant('ppo_dense');
      const ppoValueInit = await variant('ppo_value_init');
      const ppoBoth = await variant('ppo_both');
      results.push({
        seed,
        sft: sftFigures,
        prm_line_accuracy: prmLineAccuracy,
        labelling,
        ppo,
        ppo_dense: ppoDense,
        ppo_value_init: ppoValueInit,
        ppo_both: ppoBoth,
        both_not_below_baseline: ppoBoth.randomPass1 >= ppo.randomPass1,
      });
    } finally {
      await sandbox.close();
      await engine.close();
      db.close();
    }
  }
  return {
    seeds: results,
    both_not_below_baseline: results.filter((r) => r.both_not_below_baseline).length,
    // The variants set critic, valueInit and denseReward themselves.
    ppo_config: Object.fromEntries(Object.entries({ ...base.ppo, ...options.ppo }).filter(([k]) => !['critic', 'valueInit', 'denseReward'].includes(k))),
    train_problems: generate.candidatesFile === null ? generate.trainProblems : null,
    heldout_problems: results[0]?.sft.problems ?? 0,
    seconds: (performance.now() - started) / 1000,
  };
}
