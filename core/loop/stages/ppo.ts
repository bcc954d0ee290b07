import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { problemSchema } from '../../data/problem';
import { loadModel, saveModel } from '../../models/checkpoint';
import { uploadModel } from '../../models/programs';
import { TextTokenizer } from '../../models/tokenizers';
import { trainPpo } from '../../train/ppo-trainer';
import { scoreCandidates } from '../../train/reward-trainer';
import { insertCheckpoint, latestCheckpoint, listProblems } from '../../store/loop-records';
import { firstCheckpoint, insertPpoRollouts, insertPpoSteps } from '../../store/ppo-records';
import { evaluatePolicy, executionRewards, heldoutProblems } from '../policy-eval';
import { meterCallback } from '../progress';
import { runFiles } from '../run-files';
import { stageSeed } from '../seeds';
import type { Stage } from '../stage';

/**
 * ppo: the generator is optimised against this iteration's reranker (PPO, or GRPO by config) on the training
 * problems' prompts, starting from the current policy with the KL measured to the frozen SFT generator. The new
 * policy becomes the run's generator, so the next iteration samples with it; its held-out pass@1 (a random sample
 * and the reranked pick) is measured here for the evaluate stage. Rounds are checkpointed, so kill -9 resumes.
 */
export const ppoStage: Stage = {
  name: 'ppo',
  // From-scratch generators only: a Hugging Face checkpoint's chat prompting and LoRA base are not wired into PPO yet.
  runsIn: (_iteration, config) =>
    config.ppo.updates > 0 && config.model.generator === null && !(config.generate.candidatesFile !== null && config.reward.init === 'scratch'),
  async run(ctx, config) {
    const tokenizer = TextTokenizer.load(latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path);
    const current = latestCheckpoint(ctx.db, ctx.run.id, 'generator');
    const sft = firstCheckpoint(ctx.db, ctx.run.id, 'generator');
    const rerankerCheckpoint = latestCheckpoint(ctx.db, ctx.run.id, 'reranker');
    if (!current || !sft) throw new Error('ppo: no generator has been trained in this run');
    if (!rerankerCheckpoint) throw new Error('ppo: no reranker has been trained in this run');
    const policy = loadModel(current.path);
    const reference = current.id === sft.id ? policy : loadModel(sft.path);
    const rerankerSaved = loadModel(rerankerCheckpoint.path);

    const problems = listProblems(ctx.db, ctx.run.id);
    const train = problems.filter((p) => p.split === 'train');
    const trainData = train.map((p) => problemSchema.parse(p.data));
    const engine = await ctx.engine();
    const reranker = await uploadModel(engine, rerankerSaved.config, rerankerSaved.heads, rerankerSaved.tensors);
    const stateFile = runFiles.ppoState(ctx.runDir, ctx.iteration.index);
    mkdirSync(dirname(stateFile), { recursive: true });
    const seed = stageSeed(config.seed, ctx.iteration.index, 'ppo', config.ppo.seed);
    const result = await trainPpo(
      engine,
      { config: policy.config, tensors: policy.tensors, reference: reference.tensors },
      tokenizer,
      trainData.map((p) => p.prompt),
      {
        score: (items) => scoreCandidates(engine, reranker, tokenizer, items.map((i) => ({ prompt: trainData[i.prompt]!.prompt, completion: i.completion }))),
        execute: (items) => executionRewards(ctx.sandbox, config, items.map((i) => ({ problem: trainData[i.prompt]!, completion: i.completion }))),
      },
      { ...config.ppo, seed },
      { checkpoint: stateFile, stop: config.sampling.stop, rowsPerBatch: config.sampling.rowsPerBatch, onProgress: meterCallback('ppo', ctx.progress) },
    );
    const after = await evaluatePolicy(engine, ctx.sandbox, config, ctx.iteration.index, { policy: result.model, reranker }, tokenizer, heldoutProblems(problems, config));
    await engine.drop(Object.values(reranker.feeds).flatMap((f) => ('resident' in f ? [f.resident] : [])));
    const file = runFiles.policy(ctx.runDir, ctx.iteration.index);
    saveModel(file, { config: policy.config, heads: result.heads, tensors: await result.trainer.parameters() });
    const metrics = { algorithm: config.ppo.algorithm, ...result.metrics, heldout: after };
    const last = result.logs.at(-1);
    ctx.log(
      'info',
      `ppo: ${result.logs.length} rounds, reward ${result.metrics.firstReward?.toFixed(3) ?? 'n/a'} -> ${result.metrics.lastReward?.toFixed(3) ?? 'n/a'}, KL ${last?.kl.toFixed(3) ?? 'n/a'}; held-out pass@1 of the new policy ${after.randomPass1.toFixed(3)} (reranked ${after.rerankPass1.toFixed(3)})`,
    );
    return {
      write: () => {
        insertCheckpoint(ctx.db, { runId: ctx.run.id, iterationId: ctx.iteration.id, kind: 'generator', path: file, parentId: current.id, meta: metrics });
        insertPpoSteps(ctx.db, ctx.iteration.id, result.logs);
        insertPpoRollouts(
          ctx.db,
          ctx.iteration.id,
          result.rollouts.map((r) => ({
            step: r.update,
            problemId: train[r.prompt]!.id,
            sampleIdx: r.sample,
            code: r.text,
            score: r.score,
            rerankerScore: r.rerankerScore,
            executionReward: r.executionReward,
          })),
        );
      },
      output: metrics,
    };
  },
};
