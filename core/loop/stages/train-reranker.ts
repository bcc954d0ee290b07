import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { modelBase } from '../../models/adapters';
import { loadModel, saveModel } from '../../models/checkpoint';
import { importHfModel } from '../../models/hf-import';
import { hasFrozenGenerator, type TransformerConfig } from '../../models/transformer';
import { TextTokenizer } from '../../models/tokenizers';
import { buildPairs } from '../../train/pairs';
import { trainRewardModel } from '../../train/reward-trainer';
import { overridingLabels } from '../../store/labels';
import { insertCheckpoint, insertScores, latestCheckpoint } from '../../store/loop-records';
import { firstCheckpoint } from '../../store/ppo-records';
import { meterCallback } from '../progress';
import { runFiles } from '../run-files';
import { stageSeed } from '../seeds';
import { checkpointFolders, loraOf, rerankerConfig as checkpointRerankerConfig } from '../checkpoint-models';
import type { Stage, StageContext } from '../stage';
import { judgedCandidates } from '../training-candidates';

/**
 * train-reranker: Bradley-Terry on (passing, failing) pairs of the training problems' candidates from every
 * iteration so far, each judged by execution unless a person labelled it, pairs whose failing side was mined as a
 * hard negative up-weighted. Starts from the SFT generator's backbone each time, so an iteration's reranker depends
 * only on the data, not on the path. The held-out candidates are scored by it for the evaluation.
 */
export const trainRerankerStage: Stage = {
  name: 'train-reranker',
  async run(ctx, config) {
    const { judged, texts, heldout, heldoutIds } = judgedCandidates(ctx.db, ctx.run.id, ctx.iteration.index);
    const seed = stageSeed(config.seed, ctx.iteration.index, 'reward', config.reward.seed);
    const pairs = buildPairs(judged, { maxPairsPerProblem: config.reward.maxPairsPerProblem, hardNegativeWeight: config.reward.hardNegativeWeight, seed });
    if (pairs.length === 0) {
      throw new Error('train-reranker: no training problem has both a passing and a failing candidate yet (sample more, or at a higher temperature)');
    }

    const tokenizer = TextTokenizer.load(latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path);
    // From a checkpoint: the reranker's folder is the backbone (LoRA adapters on it unless full training).
    const folders = checkpointFolders(config);
    // The SFT generator: the starting weights (init 'generator') and the frozen copy whose log-prob the reranker adds.
    const generatorFile = firstCheckpoint(ctx.db, ctx.run.id, 'generator')?.path;
    const generator = !folders && generatorFile !== undefined && (config.reward.init === 'generator' || hasFrozenGenerator(config.reranker)) ? loadModel(generatorFile) : null;
    const rerankerConfig = folders
      ? { ...checkpointRerankerConfig(config, folders.reranker), rewardLogProbSource: 'own' as const }
      : withGeneratorLogProb(config.reranker, generator?.config ?? null, ctx.log);
    const lora = folders ? loraOf(config, rerankerConfig, ['reward']) : undefined;
    const start = folders
      ? importHfModel(folders.reranker, { maxSeqLen: config.model.maxSeqLen }).tensors
      : config.reward.init === 'generator'
        ? // The SFT generator, not a later PPO policy: the reranker's start stays the same every iteration.
          (generator ?? loadModel(firstCheckpoint(ctx.db, ctx.run.id, 'generator')!.path)).tensors
        : null;
    const engine = await ctx.engine();
    const stateFile = runFiles.rerankerState(ctx.runDir, ctx.iteration.index);
    mkdirSync(dirname(stateFile), { recursive: true });
    const init = {
      config: rerankerConfig,
      ...(start ? { tensors: start } : {}),
      ...(lora ? { lora } : {}),
      ...(generator && hasFrozenGenerator(rerankerConfig) ? { generator: generator.tensors } : {}),
    };
    const result = await trainRewardModel(engine, init, tokenizer, texts, pairs, { ...config.reward, ...(folders ? { init: 'generator' as const } : {}), seed }, {
      checkpoint: stateFile,
      heldout,
      onProgress: meterCallback('train-reranker', ctx.progress),
    });
    const file = runFiles.reranker(ctx.runDir, ctx.iteration.index);
    const base = lora && folders ? { base: modelBase(folders.reranker) } : {};
    saveModel(file, { config: result.config, heads: ['reward'], tensors: { ...(await result.trainer.parameters()), ...result.frozen }, ...base });
    const previous = latestCheckpoint(ctx.db, ctx.run.id, 'reranker');
    const { losses: _losses, ...trained } = result.metrics;
    // The provider it trained on goes with the checkpoint: a figure from a GPU run is read as one.
    const metrics = { ...trained, provider: engine.provider, logProbWeight: result.config.rewardLogProbWeight };
    const hardPairs = pairs.filter((p) => p.weight > 1).length;
    // Which people's labels these pairs used, so a candidate view can say which iteration learned from its label.
    const labelled = overridingLabels(ctx.db, ctx.run.id);
    const labelledCandidates = [...new Set(pairs.flatMap((p) => [Number(p.chosen), Number(p.rejected)]))].filter((id) => labelled.has(id)).sort((a, b) => a - b);
    ctx.log('info', `train-reranker: ${pairs.length} pairs (${hardPairs} with a hard negative), log-prob weight ${metrics.logProbWeight.toFixed(2)}, weights of step ${metrics.keptStep} kept, held-out AUC ${metrics.heldoutAuc?.toFixed(3) ?? 'n/a'}`);
    return {
      write: () => {
        const checkpointId = insertCheckpoint(ctx.db, {
          runId: ctx.run.id,
          iterationId: ctx.iteration.id,
          kind: 'reranker',
          path: file,
          parentId: previous?.id ?? null,
          meta: metrics,
        });
        insertScores(ctx.db, checkpointId, heldoutIds.map((candidateId, i) => ({ candidateId, score: result.heldoutScores[i]! })));
      },
      output: { ...metrics, hardNegativePairs: hardPairs, labelledCandidates },
    };
  },
};

/**
 * The reranker as it can be built here: a frozen copy of the generator needs a generator of the reranker's own shape;
 * without one (candidates imported and no SFT, or a reranker of another size) the log-prob term falls back to the
 * reranker's own LM head, and the log says so. The saved reranker records what it is.
 */
export function withGeneratorLogProb(config: TransformerConfig, generator: TransformerConfig | null, log: StageContext['log']): TransformerConfig {
  if (!hasFrozenGenerator(config)) return config;
  const shape = (c: TransformerConfig): string => {
    const { rewardLogProbWeight: _w, rewardLogProbSource: _s, ...rest } = c;
    return JSON.stringify(rest);
  };
  if (generator !== null && shape(generator) === shape(config)) return config;
  log(
    'warn',
    `train-reranker: ${generator === null ? 'no generator in this run' : "the generator's shape is not the reranker's"}, so the log-prob term is under the reranker's own LM head (reranker.rewardLogProbSource 'own')`,
  );
  return { ...config, rewardLogProbSource: 'own' };
}
