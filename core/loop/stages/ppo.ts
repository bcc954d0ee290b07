import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { problemSchema } from '../../data/problem';
import { readSafetensors } from '../../engine/safetensors';
import type { HostTensor } from '../../engine/protocol';
import { adaptersAfter, modelBase, stackAdapters } from '../../models/adapters';
import { loadModel, saveModel, type SavedModel } from '../../models/checkpoint';
import { uploadModel } from '../../models/programs';
import { problemPromptText } from '../../models/prompting';
import { TextTokenizer } from '../../models/tokenizers';
import type { PpoConfig } from '../../train/ppo-config';
import { trainPpo } from '../../train/ppo-trainer';
import { lineScores } from '../../train/prm-trainer';
import { scoreCandidates } from '../../train/reward-trainer';
import { insertCheckpoint, latestCheckpoint, listProblems } from '../../store/loop-records';
import type { Db } from '../../store/open-store';
import { firstCheckpoint, insertPpoRollouts, insertPpoSteps } from '../../store/ppo-records';
import { evaluatePolicy, executionRewards, heldoutProblems } from '../policy-eval';
import { meterCallback } from '../progress';
import { runFiles } from '../run-files';
import { stageSeed } from '../seeds';
import type { Stage } from '../stage';
import { checkpointFolders, loraOf } from '../checkpoint-models';
import type { RunConfig } from '../run-config';

/**
 * The run's latest process reward model when the ppo section asks for one (dense reward or value init), else null;
 * a one-line error naming the key when it asks and the run has none.
 */
export function ppoPrmCheckpoint(db: Db, runId: number, ppo: Pick<PpoConfig, 'denseReward' | 'valueInit'>): { id: number; path: string } | null {
  const key = ppo.denseReward ? 'ppo.denseReward' : ppo.valueInit === 'prm' ? "ppo.valueInit 'prm'" : null;
  if (!key) return null;
  const checkpoint = latestCheckpoint(db, runId, 'prm');
  if (!checkpoint) throw new Error(`ppo: ${key} needs the run's process reward model and none has been trained (turn on the prm section: its train-prm stage runs before ppo)`);
  return checkpoint;
}

/**
 * ppo: the generator is optimised against this iteration's reranker (PPO, or GRPO by config) on the training
 * problems' prompts, starting from the current policy with the KL measured to the frozen SFT generator. The new
 * policy becomes the run's generator, so the next iteration samples with it; its held-out pass@1 (a random sample
 * and the reranked pick) is measured here for the evaluate stage. Rounds are checkpointed, so kill -9 resumes.
 * With ppo.denseReward or ppo.valueInit 'prm' the run's latest process reward model (the train-prm stage's) gives
 * per-line scores for the dense reward and/or the separate critic's starting weights.
 *
 * On a Hugging Face checkpoint with LoRA, the SFT generator's adapters merged into the base are the frozen reference
 * and the frozen base of the policy, which trains adapters of its own (and its value head); rollouts use the run's
 * prompting. The policy is saved as adapters on the Hugging Face base: the SFT adapters and the policy's stacked into
 * one set of their summed rank (stackAdapters), which merges to exactly base + SFT + PPO, so the next iteration's
 * generate (and export) load it like the SFT generator; the next PPO round takes the policy's part back out.
 */
export const ppoStage: Stage = {
  name: 'ppo',
  runsIn: (_iteration, config) => config.ppo.updates > 0 && !(config.generate.candidatesFile !== null && config.reward.init === 'scratch'),
  async run(ctx, config) {
    const tokenizer = TextTokenizer.load(latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path);
    const current = latestCheckpoint(ctx.db, ctx.run.id, 'generator');
    const sft = firstCheckpoint(ctx.db, ctx.run.id, 'generator');
    const rerankerCheckpoint = latestCheckpoint(ctx.db, ctx.run.id, 'reranker');
    if (!current || !sft) throw new Error('ppo: no generator has been trained in this run');
    if (!rerankerCheckpoint) throw new Error('ppo: no reranker has been trained in this run');
    const folders = checkpointFolders(config);
    const lora = folders ? loraPolicy(config, sft.path, current.id === sft.id ? null : current.path) : null;
    const policy = lora ? lora.reference : loadModel(current.path);
    const reference = lora || current.id === sft.id ? policy : loadModel(sft.path);
    const rerankerSaved = loadModel(rerankerCheckpoint.path);
    const prmCheckpoint = ppoPrmCheckpoint(ctx.db, ctx.run.id, config.ppo);
    const prmSaved = prmCheckpoint ? loadModel(prmCheckpoint.path) : null;

    const problems = listProblems(ctx.db, ctx.run.id);
    const train = problems.filter((p) => p.split === 'train');
    const trainData = train.map((p) => problemSchema.parse(p.data));
    // Rollouts see the prompts generate samples from (a chat model's template); the reranker and PRM read them as stored.
    const prompting = config.model.generator === null ? 'completion' : config.model.prompting;
    const engine = await ctx.engine();
    const reranker = await uploadModel(engine, rerankerSaved.config, rerankerSaved.heads, rerankerSaved.tensors);
    const prm = prmSaved && config.ppo.denseReward ? await uploadModel(engine, prmSaved.config, prmSaved.heads, prmSaved.tensors) : null;
    const asPrompts = (items: ReadonlyArray<{ prompt: number; completion: string }>) => items.map((i) => ({ prompt: trainData[i.prompt]!.prompt, completion: i.completion }));
    const stateFile = runFiles.ppoState(ctx.runDir, ctx.iteration.index);
    mkdirSync(dirname(stateFile), { recursive: true });
    const seed = stageSeed(config.seed, ctx.iteration.index, 'ppo', config.ppo.seed);
    const result = await trainPpo(
      engine,
      {
        config: policy.config,
        tensors: policy.tensors,
        ...(lora ? { lora: lora.lora } : { reference: reference.tensors }),
        ...(prmSaved ? { prm: { config: prmSaved.config, tensors: prmSaved.tensors } } : {}),
      },
      tokenizer,
      trainData.map((p) => problemPromptText(tokenizer, prompting, p)),
      {
        score: (items) => scoreCandidates(engine, reranker, tokenizer, asPrompts(items)),
        execute: (items) => executionRewards(ctx.sandbox, config, items.map((i) => ({ problem: trainData[i.prompt]!, completion: i.completion }))),
        ...(prm ? { lineScores: (items: ReadonlyArray<{ prompt: number; completion: string }>) => lineScores(engine, prm, tokenizer, asPrompts(items)) } : {}),
      },
      { ...config.ppo, seed },
      { checkpoint: stateFile, stop: config.sampling.stop, rowsPerBatch: config.sampling.rowsPerBatch, onProgress: meterCallback('ppo', ctx.progress) },
    );
    const after = await evaluatePolicy(engine, ctx.sandbox, config, ctx.iteration.index, { policy: result.model, reranker }, tokenizer, heldoutProblems(problems, config));
    await engine.drop([reranker, ...(prm ? [prm] : [])].flatMap((m) => Object.values(m.feeds).flatMap((f) => ('resident' in f ? [f.resident] : []))));
    const file = runFiles.policy(ctx.runDir, ctx.iteration.index);
    const trained = await result.trainer.parameters();
    if (lora && folders) saveModel(file, { config: policy.config, heads: result.heads, tensors: stackAdapters(lora.sftAdapters, trained), base: modelBase(folders.generator) });
    else saveModel(file, { config: policy.config, heads: result.heads, tensors: trained });
    const dense = result.logs.filter((l) => l.denseShare !== null);
    const denseShare = dense.length ? dense.reduce((s, l) => s + l.denseShare!, 0) / dense.length : null;
    const metrics = {
      algorithm: config.ppo.algorithm,
      critic: config.ppo.critic,
      valueInit: config.ppo.valueInit,
      denseReward: config.ppo.denseReward,
      prmCheckpointId: prmCheckpoint?.id ?? null,
      denseShare,
      ...result.metrics,
      heldout: after,
    };
    const last = result.logs.at(-1);
    ctx.log(
      'info',
      `ppo: ${result.logs.length} rounds, reward ${result.metrics.firstReward?.toFixed(3) ?? 'n/a'} -> ${result.metrics.lastReward?.toFixed(3) ?? 'n/a'}, KL ${last?.kl.toFixed(3) ?? 'n/a'}${denseShare === null ? '' : `, dense reward ${(100 * denseShare).toFixed(1)}% of the reward given`}${config.ppo.valueInit === 'prm' ? ', critic from the PRM' : ''}; held-out pass@1 of the new policy ${after.randomPass1.toFixed(3)} (reranked ${after.rerankPass1.toFixed(3)})`,
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

/**
 * A LoRA run's PPO start: the SFT generator merged (the frozen base and reference), its adapters as stored (to stack
 * the policy's onto when saving) and, after a first PPO round, the previous policy's own adapters and value head.
 * Null for full training.
 */
function loraPolicy(
  config: RunConfig,
  sftFile: string,
  currentFile: string | null,
): { reference: SavedModel; sftAdapters: Record<string, HostTensor>; lora: { rank: number; targets: string[]; start?: Record<string, HostTensor> } } | null {
  const reference = loadModel(sftFile);
  if (!reference.base) return null;
  const lora = loraOf(config, reference.config, ['lm']);
  if (!lora) return null;
  const stem = (f: string): string => f.replace(/\.(json|safetensors)$/, '');
  const sftAdapters = readSafetensors(`${stem(sftFile)}.safetensors`).tensors;
  const sftRank = Object.entries(sftAdapters).find(([n]) => n.endsWith('.lora_A'))?.[1].dims[1] ?? 0;
  const start = currentFile ? adaptersAfter(readSafetensors(`${stem(currentFile)}.safetensors`).tensors, sftRank) : undefined;
  return { reference, sftAdapters, lora: { ...lora, ...(start ? { start } : {}) } };
}
