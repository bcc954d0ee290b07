/**
 * Benchmark and demonstration of issue 5 in one run, on the embedded default set with the embedded default config:
 * 1. train the byte-level BPE and the SFT generator from scratch;
 * 2. sample N candidates per problem at temperature 1 (train problems for the reranker's pairs, held-out problems
 *    for evaluation) and run them in the sandbox;
 * 3. train the reranker (Bradley-Terry) on pairs from TRAIN problems only; then the method's second round: mine
 *    hard negatives (failing training candidates it scores above their problem's best passing one) and continue
 *    training with them up-weighted;
 * 4. score the held-out candidates: the reranker's pick against a random sample, the oracle (pass@N) and the
 *    generator's own mean log-prob;
 * 5. export the reranker to DIR/reranker.onnx and check it scores as the engine does.
 * Throughput figures: training pairs/s, candidates scored/s, generated tokens/s at batch 1 and batch N x prompts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderName } from '../../core/engine/protocol';
import { assembleProgram } from '../../core/data/assemble';
import { splitOf } from '../../core/data/default-set';
import { loadProblems } from '../../core/data/load';
import type { Problem } from '../../core/data/problem';
import { Engine } from '../../core/engine/engine';
import { pairwiseAccuracy, rocAuc } from '../../core/train/ranking';
import { rerankMetrics } from '../../core/loop/metrics/rerank';
import { hardNegatives } from '../../core/loop/mining/hard-negatives';
import { embeddedDefaultSet } from '../../core/loop/problem-set';
import { defaultModels } from '../../core/loop/default-config';
import { exportReranker, readReranker, scoreWithReranker } from '../../core/models/export';
import { type Sample, promptTokens, sampleTokens } from '../../core/models/sampling';
import { specialIds, trainTokenizer } from '../../core/models/tokenizers';
import { parameterCount, transformerParams } from '../../core/models/transformer';
import { SandboxRunner } from '../../core/sandbox/runner';
import { buildPairs, type JudgedCandidate } from '../../core/train/pairs';
import { scoreCandidates, trainRewardModel } from '../../core/train/reward-trainer';
import { trainSft } from '../../core/train/sft-trainer';

export interface ModelsBenchOptions {
  out: string;
  /** Training problems whose samples make the reranker's pairs. */
  rerankProblems: number;
  /** Where the engine computes (a non-CPU provider is verified in a child process first), and its threads. */
  provider?: ProviderName;
  threads?: number;
  log: (line: string) => void;
}

export interface ModelsBenchResult {
  sft_heldout_pass1: number;
  rerank_pass1: number;
  random_pass1: number;
  oracle_passn: number;
  gap_closed: number | null;
  reranker_auc: number | null;
  /** The reranker after round 1 (before hard negatives). */
  round1_rerank_pass1: number;
  round1_reranker_auc: number | null;
  /** Failing training candidates the round-1 reranker scored above their problem's best passing one. */
  hard_negatives: number;
  /** Baseline: the generator's own mean token log-prob as the ranking score. */
  logprob_rerank_pass1: number;
  reranker_heldout_pairwise_accuracy: number | null;
  sft_train_pass1: number;
  sft_heldout_loss: number | null;
  reward_pairs: number;
  train_pairs_per_s: number;
  sft_tokens_per_s: number;
  score_candidates_per_s: number;
  gen_tokens_per_s_b1: number;
  gen_tokens_per_s_bn: number;
  onnx_max_abs_diff: number;
  onnx_file: string;
  onnx_bytes: number;
  generator_params: number;
  reranker_params: number;
  heldout_problems: number;
  samples_per_problem: number;
  seconds: number;
  stage_seconds: Record<string, number>;
  provider: ProviderName;
}

export async function benchModels(options: ModelsBenchOptions): Promise<ModelsBenchResult> {
  const started = performance.now();
  const stages: Record<string, number> = {};
  let mark = performance.now();
  const stage = (name: string): void => {
    const now = performance.now();
    stages[name] = Math.round((now - mark) / 100) / 10;
    mark = now;
    options.log(`[${((now - started) / 1000).toFixed(0)}s] ${name} done in ${stages[name]}s`);
  };
  const d = defaultModels;
  const problems = loadProblems(embeddedDefaultSet, 'normalized');
  const train = problems.filter((p) => splitOf(p.task_id) === 'train');
  const heldout = problems.filter((p) => splitOf(p.task_id) === 'heldout');
  const tokenizer = trainTokenizer(train.flatMap((p) => [p.prompt, p.canonical_solution ?? '']), { vocabSize: d.tokenizerVocab });
  const special = specialIds(tokenizer);
  stage('tokenizer');

  const engine = await Engine.start({ provider: options.provider ?? 'cpu', intraOpThreads: options.threads ?? 2 });
  const runner = new SandboxRunner({ jobs: 2 });
  try {
    // 1. SFT generator
    const sft = await trainSft(engine, { config: d.generator }, tokenizer, { train, heldout }, d.sft, {
      onProgress: (p) => p.done % 25 === 0 && options.log(`sft step ${p.done}/${p.total} loss ${p.loss?.toFixed(3)}`),
    });
    stage('sft');

    // 2. sample and execute: held-out problems (evaluation) and training problems (the reranker's pairs)
    const rerankTrain = train.slice(0, options.rerankProblems);
    const sampleAll = async (set: readonly Problem[]): Promise<{ samples: Sample[]; seconds: number; tokens: number }> => {
      const t0 = performance.now();
      const samples = await sampleTokens(engine, sft.model, tokenizer, special, set.map((p) => promptTokens(tokenizer, special, p.prompt)), d.sampling);
      return { samples, seconds: (performance.now() - t0) / 1000, tokens: samples.reduce((s, x) => s + x.tokens.length, 0) };
    };
    const held = await sampleAll(heldout);
    const trainSamples = await sampleAll(rerankTrain);
    stage('sample');
    const b1Start = performance.now();
    const b1Again = await sampleTokens(engine, sft.model, tokenizer, special, heldout.slice(0, 16).map((p) => promptTokens(tokenizer, special, p.prompt)), {
      ...d.sampling,
      n: 1,
      rowsPerBatch: 1,
    });
    const b1Rate = b1Again.reduce((s, x) => s + x.tokens.length, 0) / ((performance.now() - b1Start) / 1000);
    stage('sample-b1');

    const execute = async (set: readonly Problem[], samples: readonly Sample[]): Promise<boolean[]> => {
      const results = await runner.runBatch(samples.map((s) => ({ language: 'python', program: assembleProgram(set[s.prompt]!, s.text) })));
      return results.map((r) => r.status === 'OK');
    };
    const heldPass = await execute(heldout, held.samples);
    const trainPass = await execute(rerankTrain, trainSamples.samples);
    stage('execute');

    // 3. reranker on training problems' candidates
    const judged: JudgedCandidate[] = trainSamples.samples.map((s, i) => ({ id: `t${i}`, taskId: rerankTrain[s.prompt]!.task_id, passed: trainPass[i]!, text: s.text }));
    const texts = new Map(trainSamples.samples.map((s, i) => [`t${i}`, { prompt: rerankTrain[s.prompt]!.prompt, completion: s.text }]));
    const pairs = buildPairs(judged, { maxPairsPerProblem: d.reward.maxPairsPerProblem, hardNegativeWeight: d.reward.hardNegativeWeight, seed: d.reward.seed });
    const heldCandidates = held.samples.map((s, i) => ({
      id: `h${i}`,
      taskId: heldout[s.prompt]!.task_id,
      passed: heldPass[i]!,
      prompt: heldout[s.prompt]!.prompt,
      completion: s.text,
    }));
    const rm1 = await trainRewardModel(engine, { config: d.reranker, tensors: await sft.trainer.parameters() }, tokenizer, texts, pairs, d.reward, {
      onProgress: (p) => p.done % 25 === 0 && options.log(`reward step ${p.done}/${p.total} loss ${p.loss?.toFixed(3)}`),
    });
    stage('reward');

    // 3b. the method's second round: failing training candidates that the reranker scores above their problem's
    // best passing one are hard negatives; retrain from the round-1 reranker with those pairs up-weighted.
    const trainScores = await scoreCandidates(engine, rm1.model, tokenizer, [...texts.values()]);
    const mined = hardNegatives(
      judged.map((c, i) => ({ id: i, problemId: trainSamples.samples[i]!.prompt, score: trainScores[i]!, passed: c.passed })),
      { rule: 'best-passing', quantile: 0.5 },
    );
    const hard = new Set(mined.map((h) => h.id));
    const pairs2 = buildPairs(
      judged.map((c, i) => ({ ...c, hardNegative: hard.has(i) })),
      { maxPairsPerProblem: d.reward.maxPairsPerProblem, hardNegativeWeight: d.reward.hardNegativeWeight, seed: d.reward.seed + 1 },
    );
    const round1 = await scoreCandidates(engine, rm1.model, tokenizer, heldCandidates);
    const rm = await trainRewardModel(engine, { config: d.reranker, tensors: await rm1.trainer.parameters() }, tokenizer, texts, pairs2, { ...d.reward, steps: Math.round(d.reward.steps / 2), seed: d.reward.seed + 1 }, {
      onProgress: (p) => p.done % 25 === 0 && options.log(`reward round 2 step ${p.done}/${p.total} loss ${p.loss?.toFixed(3)}`),
    });
    stage('reward-hard-negatives');

    // 4. rerank held-out candidates
    const s0 = performance.now();
    const scores = await scoreCandidates(engine, rm.model, tokenizer, heldCandidates);
    const scoreRate = heldCandidates.length / ((performance.now() - s0) / 1000);
    const byProblem = heldout.map(() => [] as { score: number; passed: boolean }[]);
    held.samples.forEach((s, i) => byProblem[s.prompt]!.push({ score: scores[i]!, passed: heldPass[i]! }));
    const m = rerankMetrics(byProblem);
    const byProblem1 = heldout.map(() => [] as { score: number; passed: boolean }[]);
    held.samples.forEach((s, i) => byProblem1[s.prompt]!.push({ score: round1[i]!, passed: heldPass[i]! }));
    const m1 = rerankMetrics(byProblem1);
    // Baseline from the generator alone: rank by the sample's mean token log-prob.
    const byProblemLp = heldout.map(() => [] as { score: number; passed: boolean }[]);
    held.samples.forEach((s, i) => byProblemLp[s.prompt]!.push({ score: s.logprobs.reduce((a, b) => a + b, 0) / Math.max(1, s.logprobs.length), passed: heldPass[i]! }));
    const mLp = rerankMetrics(byProblemLp);
    const auc = rocAuc(byProblem.flat());
    const pairAcc = pairwiseAccuracy(byProblem);
    stage('score');

    // 5. export and check against the engine's scores
    mkdirSync(options.out, { recursive: true });
    const onnxFile = join(options.out, 'reranker.onnx');
    const bytes = exportReranker(onnxFile, d.reranker, await rm.trainer.parameters(), tokenizer);
    const exported = readReranker(onnxFile);
    const check = heldCandidates.slice(0, 64);
    const onnxScores = await scoreWithReranker(engine, exported, check);
    const diff = Math.max(...onnxScores.map((s, i) => Math.abs(s - scores[i]!)));
    stage('export');

    const mean = (xs: boolean[]): number => xs.filter(Boolean).length / xs.length;
    return {
      sft_heldout_pass1: mean(heldPass),
      rerank_pass1: m.rerankPass1,
      random_pass1: m.randomPass1,
      oracle_passn: m.oraclePassN,
      gap_closed: m.gapClosed,
      reranker_auc: auc,
      round1_rerank_pass1: m1.rerankPass1,
      round1_reranker_auc: rocAuc(byProblem1.flat()),
      hard_negatives: hard.size,
      logprob_rerank_pass1: mLp.rerankPass1,
      reranker_heldout_pairwise_accuracy: pairAcc,
      sft_train_pass1: mean(trainPass),
      sft_heldout_loss: sft.metrics.heldoutLoss,
      reward_pairs: pairs.length + pairs2.length,
      train_pairs_per_s: rm.metrics.pairsPerSecond,
      sft_tokens_per_s: sft.metrics.tokensPerSecond,
      score_candidates_per_s: scoreRate,
      gen_tokens_per_s_b1: b1Rate,
      gen_tokens_per_s_bn: held.tokens / held.seconds,
      onnx_max_abs_diff: diff,
      onnx_file: onnxFile,
      onnx_bytes: bytes,
      generator_params: parameterCount(transformerParams(d.generator, ['lm'])),
      reranker_params: parameterCount(transformerParams(d.reranker, ['reward'])),
      heldout_problems: heldout.length,
      samples_per_problem: d.sampling.n,
      seconds: (performance.now() - started) / 1000,
      stage_seconds: stages,
      provider: engine.provider,
    };
  } finally {
    await runner.close();
    await engine.close();
  }
}
