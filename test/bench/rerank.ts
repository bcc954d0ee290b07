/**
 * Issue 11's science claim as one command: does the trained reranker beat the picks that cost nothing, and
 * execution agreement? Per seed:
 * 1. run the loop on the embedded default (SFT, then iterations 0 and 1: generate, execute, score, mine, train the
 *    reranker, evaluate), resuming a run the bench left unfinished in its workspace;
 * 2. read each iteration's held-out metrics: the reranker's pick beside random, mean and sum generator log-prob,
 *    majority of identical programs, execution agreement, the combined pick (agreement weighed by the reranker)
 *    and the oracle;
 * 3. ablations on the last iteration's data, each a reranker retrained with one choice changed and scored on the
 *    same held-out candidates: hard negatives not up-weighted, initialised fresh instead of from the generator,
 *    no log-prob term, the log-prob term under its own (trained) LM head instead of a frozen generator.
 * Then the issue's "done when" checks over the seeds.
 */
import { join } from 'node:path';
import { iterate } from '../../core/loop/pipeline';
import { type IterationMetrics, metricsOfScores } from '../../core/loop/iteration-metrics';
import type { PolicyComparison } from '../../core/loop/policy-eval';
import { type BaselineName, freeBaselines } from '../../core/loop/metrics/baselines';
import { loadRunConfig, runConfigSchema, type RunConfig } from '../../core/loop/run-config';
import { baselineEvidence } from '../../core/loop/stages/evaluate';
import { withGeneratorLogProb } from '../../core/loop/stages/train-reranker';
import { SandboxRunner } from '../../core/sandbox/runner';
import { stageSeed } from '../../core/loop/seeds';
import { iterationStages } from '../../core/loop/stages/index';
import { judgedCandidates } from '../../core/loop/training-candidates';
import { Engine } from '../../core/engine/engine';
import { loadModel } from '../../core/models/checkpoint';
import { TextTokenizer } from '../../core/models/tokenizers';
import { insertProbes, latestCheckpoint, probesOf } from '../../core/store/loop-records';
import { openStore } from '../../core/store/open-store';
import { findRun, listIterations } from '../../core/store/runs';
import { buildPairs } from '../../core/train/pairs';
import { trainRewardModel } from '../../core/train/reward-trainer';

export interface RerankBenchOptions {
  /** Each seed runs its own loop in DIR/seed-N. */
  workspace: string;
  seeds: number[];
  /** A run config file laid over the embedded default (null: the embedded default). */
  config: string | null;
  /** Ablations to run (names from `ablationNames`); none: only the loop's own figures. */
  ablations: readonly AblationName[];
  /** Use the seeds' workspaces as they are (no loop): ablations on a run that stopped after its last mine stage. */
  skipLoop?: boolean;
  /** Reward-model steps of the ablations (null: the run's), to explore on a small budget. */
  ablationSteps?: number | null;
  log: (line: string) => void;
}

export const ablationNames = ['as-configured', 'no-hard-negative-weight', 'init-scratch', 'no-logprob-term', 'own-lm-logprob', 'fixed-logprob-weight', 'no-checkpoint-selection'] as const;
export type AblationName = (typeof ablationNames)[number];

/** One pick's held-out pass@1 and the share of the random-to-oracle gap it closes. */
export interface PickFigure {
  pass1: number | null;
  gap_closed: number | null;
}

export interface IterationFigures {
  iteration: number;
  problems: number;
  reranker: PickFigure;
  baselines: Record<BaselineName, PickFigure>;
  best_free: { name: string; pass1: number } | null;
  reranker_auc: number | null;
  /** The generator before and after the iteration's policy optimisation (held-out pass@1 of a random sample), when it ran. */
  policy: { algorithm: string; before: number; after: number } | null;
}

export interface AblationFigures {
  reranker: PickFigure;
  agreement_rerank: PickFigure;
  /** Every baseline on the same held-out candidates (the same for every ablation of a seed). */
  baselines: Record<BaselineName, PickFigure>;
  reranker_auc: number | null;
  seconds: number;
}

export interface SeedFigures {
  seed: number;
  iterations: IterationFigures[];
  /** Each ablation on the last iteration: the reranker's pick and the combined pick with that reranker. */
  ablations: Partial<Record<AblationName, AblationFigures>>;
  seconds: number;
}

export interface RerankBenchResult {
  seeds: SeedFigures[];
  /** The issue's bar, per seed: reranker >= best free + 0.03; reranker or combined pick > agreement; iteration 1 >= 0. */
  checks: Array<{
    seed: number;
    beats_free_by_003: boolean;
    beats_agreement: 'reranker' | 'combined' | false;
    iteration1_not_below_0: boolean;
    /** Issue 12's bar read from the same run: the last policy's held-out pass@1 above the SFT generator's (null: no policy optimisation ran). */
    policy_above_sft: boolean | null;
  }>;
  seconds: number;
}

const gap = (pass1: number | null, m: IterationMetrics): number | null => {
  const random = m.baselines.random;
  const oracle = m.baselines.oracle;
  if (pass1 === null || random === null || oracle === null || oracle - random < 1e-12) return null;
  return (pass1 - random) / (oracle - random);
};

function figures(index: number, m: IterationMetrics & { policy?: PolicyComparison }): IterationFigures {
  const baselines = Object.fromEntries(
    Object.entries(m.baselines).map(([name, pass1]) => [name, { pass1, gap_closed: gap(pass1, m) }]),
  ) as Record<BaselineName, PickFigure>;
  let best: { name: string; pass1: number } | null = null;
  for (const name of freeBaselines) {
    const p = m.baselines[name];
    if (p !== null && (best === null || p > best.pass1)) best = { name, pass1: p };
  }
  return {
    iteration: index,
    problems: m.problems,
    reranker: { pass1: m.rerank_pass1, gap_closed: gap(m.rerank_pass1, m) },
    baselines,
    best_free: best,
    reranker_auc: m.reranker_auc,
    policy: m.policy ? { algorithm: m.policy.algorithm, before: m.policy.before.randomPass1, after: m.policy.after.randomPass1 } : null,
  };
}

/** The run config an ablation trains with: the run's own, one choice changed. */
function ablated(config: RunConfig, name: AblationName): RunConfig {
  switch (name) {
    case 'as-configured':
      return config;
    case 'no-hard-negative-weight':
      return { ...config, reward: { ...config.reward, hardNegativeWeight: 1 } };
    case 'init-scratch':
      return { ...config, reward: { ...config.reward, init: 'scratch' } };
    case 'no-logprob-term':
      return { ...config, reranker: { ...config.reranker, rewardLogProbWeight: 0 } };
    case 'own-lm-logprob':
      return { ...config, reranker: { ...config.reranker, rewardLogProbSource: 'own' } };
    case 'fixed-logprob-weight':
      return { ...config, reward: { ...config.reward, fitLogProbScale: false } };
    case 'no-checkpoint-selection':
      return { ...config, reward: { ...config.reward, validationShare: 0 } };
  }
}

/**
 * Retrains the reranker of iteration `index` with the ablated config on the same pairs the loop drew and scores the
 * held-out candidates; the held-out figures come from the same code as the loop's (the scores are not stored).
 */
async function runAblation(workspace: string, index: number, name: AblationName, steps: number | null, log: (line: string) => void): Promise<AblationFigures> {
  const started = performance.now();
  const db = openStore(join(workspace, 'run.sqlite'));
  const engine = await Engine.start();
  const sandbox = new SandboxRunner({ jobs: 2 });
  try {
    const run = findRun(db, 'default')!;
    // The run's config as the current code reads it (keys it predates take today's defaults).
    const config = runConfigSchema.parse(run.config);
    const iteration = listIterations(db, run.id).find((i) => i.index === index)!;
    const found = ablated(config, name);
    const variant = steps === null ? found : { ...found, reward: { ...found.reward, steps, warmupSteps: Math.min(found.reward.warmupSteps, steps) } };
    const limits = { timeoutMs: config.execute.timeoutS * 1000, memoryBytes: config.execute.memoryMb * 1024 ** 2 };
    const { newProbes } = await baselineEvidence({ db, run, iteration, sandbox, engine: () => Promise.resolve(engine), progress: () => {} }, limits);
    if (newProbes.length) insertProbes(db, newProbes);
    const { judged, texts, heldout, heldoutIds } = judgedCandidates(db, run.id, index);
    const seed = stageSeed(variant.seed, index, 'reward', variant.reward.seed);
    const pairs = buildPairs(judged, { maxPairsPerProblem: variant.reward.maxPairsPerProblem, hardNegativeWeight: variant.reward.hardNegativeWeight, seed });
    const tokenizer = TextTokenizer.load(latestCheckpoint(db, run.id, 'tokenizer')!.path);
    const generatorFile = latestCheckpoint(db, run.id, 'generator')?.path;
    const generator = generatorFile === undefined ? null : loadModel(generatorFile);
    const reranker = withGeneratorLogProb(variant.reranker, generator?.config ?? null, (_level, message) => log(`seed ${config.seed} ablation ${name}: ${message}`));
    log(`seed ${config.seed} ablation ${name}: ${variant.reward.steps} steps on ${pairs.length} pairs`);
    const result = await trainRewardModel(
      engine,
      {
        config: reranker,
        ...(generator && variant.reward.init === 'generator' ? { tensors: generator.tensors } : {}),
        ...(generator ? { generator: generator.tensors } : {}),
      },
      tokenizer,
      texts,
      pairs,
      { ...variant.reward, seed },
      { heldout },
    );
    const scores = new Map(heldoutIds.map((candidateId, i) => [candidateId, result.heldoutScores[i]!]));
    const m = metricsOfScores(db, run.id, iteration.id, scores, { logProbs: new Map(), outputs: probesOf(db, iteration.id) });
    const f = figures(index, m);
    const picks = Object.entries(f.baselines).map(([n, b]) => `${n} ${b.pass1?.toFixed(3) ?? '-'}`);
    log(`seed ${config.seed} ablation ${name}: reranker ${f.reranker.pass1?.toFixed(3) ?? "-"} (AUC ${m.reranker_auc?.toFixed(3) ?? '-'}); ${picks.join(', ')}`);
    return {
      reranker: f.reranker,
      agreement_rerank: f.baselines.agreement_rerank,
      baselines: f.baselines,
      reranker_auc: m.reranker_auc,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await sandbox.close();
    await engine.close();
    db.close();
  }
}

export async function benchRerank(options: RerankBenchOptions): Promise<RerankBenchResult> {
  const started = performance.now();
  const seeds: SeedFigures[] = [];
  for (const seed of options.seeds) {
    const seedStarted = performance.now();
    const workspace = join(options.workspace, `seed-${seed}`);
    const config: RunConfig = { ...loadRunConfig(options.config), seed };
    if (!options.skipLoop) await iterate({
      workspace,
      config,
      stages: iterationStages,
      onStage: (i, stage, state) => state === 'started' && options.log(`seed ${seed} iteration ${i}: ${stage}`),
      onLog: (level, message) => level !== 'info' || message.includes('pass@1') ? options.log(`seed ${seed} [${level}] ${message}`) : undefined,
    });
    const db = openStore(join(workspace, 'run.sqlite'));
    const stored = listIterations(db, findRun(db, 'default')!.id);
    const iterations = stored.filter((i) => i.metrics !== null).map((i) => figures(i.index, i.metrics as IterationMetrics));
    db.close();
    const last = Math.min(config.iterations, stored.length) - 1;
    const ablations: SeedFigures['ablations'] = {};
    for (const name of options.ablations) ablations[name] = await runAblation(workspace, last, name, options.ablationSteps ?? null, options.log);
    seeds.push({ seed, iterations, ablations, seconds: (performance.now() - seedStarted) / 1000 });
  }
  const checks = seeds.filter((s) => s.iterations.length > 0).map((s) => {
    const last = s.iterations[s.iterations.length - 1]!;
    const first = s.iterations[0]!;
    const rr = last.reranker.pass1 ?? 0;
    const agreement = last.baselines.agreement.pass1 ?? 0;
    const combined = last.baselines.agreement_rerank.pass1 ?? 0;
    const lastPolicy = [...s.iterations].reverse().find((i) => i.policy)?.policy ?? null;
    return {
      seed: s.seed,
      beats_free_by_003: last.best_free !== null && rr >= last.best_free.pass1 + 0.03 - 1e-12,
      beats_agreement: rr > agreement ? ('reranker' as const) : combined > agreement && combined > rr ? ('combined' as const) : (false as const),
      iteration1_not_below_0: rr >= (first.reranker.pass1 ?? 0) - 1e-12,
      policy_above_sft: first.policy && lastPolicy ? lastPolicy.after > first.policy.before : null,
    };
  });
  return { seeds, checks, seconds: (performance.now() - started) / 1000 };
}

/** The figures as a Markdown table per seed (what the README shows). */
export function rerankTable(result: RerankBenchResult): string {
  const f = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(3));
  const lines: string[] = [];
  for (const s of result.seeds) {
    lines.push(`seed ${s.seed} (${s.seconds.toFixed(0)} s)`, '', `| pick | ${s.iterations.map((i) => `iteration ${i.iteration} pass@1 (gap closed)`).join(' | ')} |`);
    lines.push(`|---|${s.iterations.map(() => '---').join('|')}|`);
    const row = (label: string, get: (i: IterationFigures) => PickFigure): void =>
      void lines.push(`| ${label} | ${s.iterations.map((i) => `${f(get(i).pass1)} (${f(get(i).gap_closed)})`).join(' | ')} |`);
    row('the trained reranker', (i) => i.reranker);
    for (const [name, label] of [
      ['random', 'random sample'],
      ['mean_logprob', 'highest mean generator log-prob'],
      ['sum_logprob', 'highest summed generator log-prob'],
      ['majority', 'most frequent identical program'],
      ['agreement', 'execution agreement (largest output cluster)'],
      ['agreement_rerank', 'agreement weighed by the reranker (combined)'],
      ['oracle', 'oracle (best of N)'],
    ] as const) {
      row(label, (i) => i.baselines[name]);
    }
    if (s.iterations.some((i) => i.policy)) {
      const p = (i: IterationFigures): string => (i.policy ? `${f(i.policy.before)} -> ${f(i.policy.after)} (${i.policy.algorithm})` : '-');
      lines.push(`| generator pass@1 before -> after policy optimisation | ${s.iterations.map(p).join(' | ')} |`);
    }
    const names = Object.keys(s.ablations) as AblationName[];
    if (names.length) {
      lines.push('', `| ablation (last iteration) | reranker pass@1 (gap closed) | combined pick pass@1 |`, '|---|---|---|');
      for (const name of names) {
        const a = s.ablations[name]!;
        lines.push(`| ${name} | ${f(a.reranker.pass1)} (${f(a.reranker.gap_closed)}) | ${f(a.agreement_rerank.pass1)} |`);
      }
    }
    lines.push('');
  }
  for (const c of result.checks) {
    lines.push(`seed ${c.seed}: reranker >= best free + 0.03: ${c.beats_free_by_003}; beats agreement: ${c.beats_agreement}; iteration 1 >= iteration 0: ${c.iteration1_not_below_0}; last policy above SFT: ${c.policy_above_sft ?? '-'}`);
  }
  return lines.join('\n');
}
