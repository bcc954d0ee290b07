import { problemSchema, type Problem } from '../../data/problem';
import { modelBase } from '../../models/adapters';
import { saveModel } from '../../models/checkpoint';
import { importHfModel } from '../../models/hf-import';
import { problemPromptText } from '../../models/prompting';
import { TextTokenizer } from '../../models/tokenizers';
import { trainSft } from '../../train/sft-trainer';
import { insertCheckpoint, latestCheckpoint, listProblems } from '../../store/loop-records';
import { meterCallback } from '../progress';
import { runFiles } from '../run-files';
import { stageSeed } from '../seeds';
import type { Stage } from '../stage';
import { checkpointFolders, loraOf, loraScaleOf } from '../checkpoint-models';

/** sft (iteration 0): the generator learns prompt -> reference solution; held-out loss says how well it generalises. */
export const sftStage: Stage = {
  name: 'sft',
  // Without sampling, a generator-initialised reranker or line labels (the policy completes prefixes), nothing needs a generator.
  runsIn: (iteration, config) =>
    iteration === 0 && !(config.generate.candidatesFile !== null && config.reward.init === 'scratch' && !config.prm.enabled),
  async run(ctx, config) {
    const tokenizerFile = latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path;
    const tokenizer = TextTokenizer.load(tokenizerFile);
    const train: Problem[] = [];
    const heldout: Problem[] = [];
    for (const p of listProblems(ctx.db, ctx.run.id)) (p.split === 'train' ? train : heldout).push(problemSchema.parse(p.data));

    // From a checkpoint: its weights, LoRA adapters on them unless full training, prompts as the model takes them.
    const folders = checkpointFolders(config);
    const imported = folders ? importHfModel(folders.generator, { maxSeqLen: config.model.maxSeqLen }) : null;
    const modelConfig = imported ? { ...imported.config, ...loraScaleOf(config) } : config.generator;
    const lora = imported ? loraOf(config, imported.config, ['lm']) : undefined;
    if (imported) {
      for (const list of [train, heldout]) list.forEach((p, i) => (list[i] = { ...p, prompt: problemPromptText(tokenizer, config.model.prompting, p) }));
    }
    const init = imported ? { config: modelConfig, tensors: imported.tensors, ...(lora ? { lora } : {}) } : { config: config.generator };

    const engine = await ctx.engine();
    const result = await trainSft(engine, init, tokenizer, { train, heldout }, { ...config.sft, seed: stageSeed(config.seed, 0, 'sft', config.sft.seed) }, {
      checkpoint: runFiles.sftState(ctx.runDir),
      onProgress: meterCallback('sft', ctx.progress),
    });
    const file = runFiles.generator(ctx.runDir);
    // LoRA keeps only the adapters, tied to the base by its path and hash.
    const base = lora && folders ? { base: modelBase(folders.generator) } : {};
    saveModel(file, { config: modelConfig, heads: ['lm'], tensors: await result.trainer.parameters(), ...base });
    const { losses: _losses, ...trained } = result.metrics;
    // The provider it trained on goes with the checkpoint: a figure from a GPU run is read as one.
    const metrics = { ...trained, provider: engine.provider };
    ctx.log('info', `sft: train loss ${metrics.trainLoss.toFixed(3)}, held-out loss ${metrics.heldoutLoss?.toFixed(3) ?? 'n/a'}`);
    return {
      write: () => void insertCheckpoint(ctx.db, { runId: ctx.run.id, iterationId: ctx.iteration.id, kind: 'generator', path: file, parentId: null, meta: metrics }),
      output: metrics,
    };
  },
};
