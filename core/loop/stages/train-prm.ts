import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSafetensors } from '../../engine/safetensors';
import { modelBase } from '../../models/adapters';
import { loadModel, saveModel } from '../../models/checkpoint';
import { importHfModel } from '../../models/hf-import';
import { TextTokenizer } from '../../models/tokenizers';
import type { PrmConfig } from '../../train/prm-config';
import { lineScores, prmHeads, trainPrm, type PrmExample } from '../../train/prm-trainer';
import { insertCheckpoint, insertScores, latestCheckpoint, listCandidates, listProblems } from '../../store/loop-records';
import type { Db } from '../../store/open-store';
import { firstCheckpoint } from '../../store/ppo-records';
import { lineLabelsOf, type LineLabelRecord } from '../../store/prm-records';
import { listIterations } from '../../store/runs';
import { meterCallback } from '../progress';
import { rerankerText } from '../reranker-texts';
import { runFiles } from '../run-files';
import { stageSeed } from '../seeds';
import type { Stage } from '../stage';
import { verdictsOf } from '../verdicts';
import { checkpointFolders, generatorConfig, loraOf } from '../checkpoint-models';

/**
 * train-prm: the process reward model on the line labels of every iteration so far (training problems' candidates,
 * the ones prm.trainOn names), started from the SFT generator like the reranker, so an iteration's PRM depends only
 * on the data. It then scores every candidate of the iteration line by line (scores.line_scores_json, the diff's
 * heat map; the score column is the mean over lines) and reports its held-out line-label accuracy. On a Hugging Face
 * checkpoint with LoRA, the PRM is adapters on the generator's base (fed by reference), starting from the SFT
 * generator's adapters, plus its head: its checkpoint keeps those only, with the base's path and hash.
 */
export const trainPrmStage: Stage = {
  name: 'train-prm',
  runsIn: (_iteration, config) => config.prm.enabled,
  async run(ctx, config) {
    const { train, heldout } = labelledExamples(ctx.db, ctx.run.id, ctx.iteration.index, config.prm.trainOn);
    if (train.length === 0) {
      throw new Error(`train-prm: no labelled candidate fits prm.trainOn '${config.prm.trainOn}' yet (label more with prm.maxCandidates or prm.executionBudget, or set prm.trainOn to 'all')`);
    }
    const tokenizer = TextTokenizer.load(latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path);
    const sft = firstCheckpoint(ctx.db, ctx.run.id, 'generator');
    if (sft === null) throw new Error('train-prm: the run has no generator (the PRM takes its shape, and its start with prm.init generator)');
    const folders = checkpointFolders(config);
    const lora = folders ? loraOf(config, generatorConfig(config, folders.generator), ['prm']) : undefined;
    let init: Parameters<typeof trainPrm>[1];
    if (folders && lora) {
      // The SFT checkpoint as stored (its adapters, unmerged): the PRM's adapters start there.
      const start = readSafetensors(sft.path).tensors;
      const prmConfig = { ...generatorConfig(config, folders.generator), rewardLogProbWeight: 0 };
      init = { config: prmConfig, tensors: importHfModel(folders.generator, { maxSeqLen: config.model.maxSeqLen }).tensors, lora: { ...lora, start } };
    } else {
      const generator = loadModel(sft.path);
      init = { config: { ...generator.config, rewardLogProbWeight: 0 }, ...(config.prm.init === 'generator' ? { tensors: generator.tensors } : {}) };
    }
    const prmConfig = init.config;
    const engine = await ctx.engine();
    const stateFile = runFiles.prmState(ctx.runDir, ctx.iteration.index);
    mkdirSync(dirname(stateFile), { recursive: true });
    const seed = stageSeed(config.seed, ctx.iteration.index, 'prm', config.prm.seed);
    const result = await trainPrm(
      engine,
      init,
      tokenizer,
      train.map((t) => t.example),
      { ...config.prm, seed },
      { checkpoint: stateFile, heldout: heldout.map((h) => h.example), onProgress: meterCallback('train-prm', ctx.progress) },
    );
    const file = runFiles.prm(ctx.runDir, ctx.iteration.index);
    const base = folders && lora ? { base: modelBase(folders.generator) } : {};
    saveModel(file, { config: prmConfig, heads: [...prmHeads], tensors: await result.trainer.parameters(), ...base });

    // Every candidate of the iteration, line by line.
    const problems = new Map(listProblems(ctx.db, ctx.run.id).map((p) => [p.id, p]));
    const candidates = listCandidates(ctx.db, ctx.iteration.id);
    const scores = await lineScores(engine, result.model, tokenizer, candidates.map((c) => rerankerText(problems, c)), {
      maxLength: config.prm.maxLength,
      onProgress: meterCallback('score-prm', ctx.progress),
    });
    const previous = latestCheckpoint(ctx.db, ctx.run.id, 'prm');
    const { losses: _losses, ...trained } = result.metrics;
    const metrics = { ...trained, trainOn: config.prm.trainOn, provider: engine.provider };
    ctx.log('info', `train-prm: ${train.length} labelled candidates, held-out line-label accuracy ${metrics.heldoutLineAccuracy?.toFixed(3) ?? 'n/a'}`);
    return {
      write: () => {
        const checkpointId = insertCheckpoint(ctx.db, { runId: ctx.run.id, iterationId: ctx.iteration.id, kind: 'prm', path: file, parentId: previous?.id ?? null, meta: metrics });
        insertScores(
          ctx.db,
          checkpointId,
          candidates.map((c, i) => ({ candidateId: c.id, score: meanOf(scores[i]!), lineScores: scores[i]! })),
        );
      },
      output: { ...metrics, scored: candidates.length },
    };
  },
};

const meanOf = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Whether a labelled candidate is one the PRM learns from under prm.trainOn. */
function kept(trainOn: PrmConfig['trainOn'], passed: boolean, label: LineLabelRecord): boolean {
  if (trainOn === 'all') return true;
  const recoverableFailing = !passed && label.lastRecoverable >= 1;
  return trainOn === 'recoverable' ? recoverableFailing : recoverableFailing || passed;
}

/**
 * Training examples: labelled candidates of training problems in every iteration up to `uptoIndex`, filtered by
 * trainOn; held-out: this iteration's labelled held-out candidates, all of them (the accuracy is over every kind).
 */
function labelledExamples(
  db: Db,
  runId: number,
  uptoIndex: number,
  trainOn: PrmConfig['trainOn'],
): { train: Array<{ candidateId: number; example: PrmExample }>; heldout: Array<{ candidateId: number; example: PrmExample }> } {
  const problems = new Map(listProblems(db, runId).map((p) => [p.id, p]));
  const train: Array<{ candidateId: number; example: PrmExample }> = [];
  const heldout: Array<{ candidateId: number; example: PrmExample }> = [];
  for (const iteration of listIterations(db, runId).filter((i) => i.index <= uptoIndex)) {
    const labels = lineLabelsOf(db, iteration.id);
    if (labels.size === 0) continue;
    const verdicts = verdictsOf(db, runId, iteration.id);
    for (const c of listCandidates(db, iteration.id)) {
      const label = labels.get(c.id);
      if (!label) continue;
      const example = { ...rerankerText(problems, c), labels: label.labels };
      if (problems.get(c.problemId)!.split === 'heldout') {
        if (iteration.index === uptoIndex) heldout.push({ candidateId: c.id, example });
      } else if (kept(trainOn, verdicts.get(c.id)?.passed ?? false, label)) {
        train.push({ candidateId: c.id, example });
      }
    }
  }
  return { train, heldout };
}
