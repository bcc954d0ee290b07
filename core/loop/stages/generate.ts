import { problemSchema } from '../../data/problem';
import { loadModel } from '../../models/checkpoint';
import { uploadModel } from '../../models/programs';
import { problemPromptText } from '../../models/prompting';
import { promptTokens, sampleTokens } from '../../models/sampling';
import { specialIds, TextTokenizer } from '../../models/tokenizers';
import { insertCandidates, latestCheckpoint, listProblems } from '../../store/loop-records';
import { meterCallback } from '../progress';
import { seededPick, stageSeed } from '../seeds';
import type { Stage } from '../stage';
import { importCandidatesStage } from './import-candidates';

/**
 * generate: the current policy samples N candidates for a fresh seeded draw of training problems (they become the
 * reranker's pairs and hard negatives) and for the held-out problems (the same ones every iteration, so iterations
 * compare). With `generate.candidatesFile` the candidates come from that file instead.
 */
export const generateStage: Stage = {
  name: 'generate',
  async run(ctx, config) {
    if (config.generate.candidatesFile !== null) return importCandidatesStage.run(ctx, config);
    const index = ctx.iteration.index;
    const problems = listProblems(ctx.db, ctx.run.id);
    const train = seededPick(
      problems.filter((p) => p.split === 'train'),
      config.generate.trainProblems,
      stageSeed(config.seed, index, 'train-problems'),
    );
    const heldoutAll = problems.filter((p) => p.split === 'heldout');
    const heldout = seededPick(heldoutAll, config.generate.heldoutProblems ?? heldoutAll.length, stageSeed(config.seed, 0, 'heldout-problems'));
    const chosen = [...train, ...heldout];

    const tokenizer = TextTokenizer.load(latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path);
    const special = specialIds(tokenizer);
    const generator = loadModel(latestCheckpoint(ctx.db, ctx.run.id, 'generator')!.path);
    const engine = await ctx.engine();
    const model = await uploadModel(engine, generator.config, generator.heads, generator.tensors);
    const prompting = config.model.generator === null ? 'completion' : config.model.prompting;
    const prompts = chosen.map((p) => promptTokens(tokenizer, special, problemPromptText(tokenizer, prompting, problemSchema.parse(p.data))));
    const samples = await sampleTokens(
      engine,
      model,
      tokenizer,
      special,
      prompts,
      { ...config.sampling, seed: stageSeed(config.seed, index, 'sampling', config.sampling.seed) },
      { onProgress: meterCallback('generate', ctx.progress) },
    );
    const rows = samples.map((s) => ({
      problemId: chosen[s.prompt]!.id,
      sampleIdx: s.sample,
      code: s.text,
      tokens: Int32Array.from(s.tokens),
      logprobs: Float32Array.from(s.logprobs),
    }));
    const finish: Record<string, number> = {};
    for (const s of samples) finish[s.finish] = (finish[s.finish] ?? 0) + 1;
    return {
      write: () => insertCandidates(ctx.db, ctx.iteration.id, rows),
      output: { candidates: rows.length, trainProblems: train.length, heldoutProblems: heldout.length, finish },
    };
  },
};
