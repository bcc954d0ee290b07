import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { problemSchema } from '../../data/problem';
import { trainTokenizer } from '../../models/tokenizers';
import { insertCheckpoint, listProblems } from '../../store/loop-records';
import { runFiles } from '../run-files';
import type { Stage } from '../stage';

/** tokenizer (iteration 0): a byte-level BPE trained on the training problems' prompts and reference solutions. */
export const tokenizerStage: Stage = {
  name: 'tokenizer',
  runsIn: (iteration) => iteration === 0,
  async run(ctx, config) {
    const texts = listProblems(ctx.db, ctx.run.id)
      .filter((p) => p.split === 'train')
      .flatMap((p) => {
        const problem = problemSchema.parse(p.data);
        return [problem.prompt, problem.canonical_solution ?? ''];
      });
    const tokenizer = trainTokenizer(texts, { vocabSize: config.tokenizer.vocabSize });
    const file = runFiles.tokenizer(ctx.runDir);
    mkdirSync(dirname(file), { recursive: true });
    tokenizer.save(file);
    return {
      write: () => void insertCheckpoint(ctx.db, { runId: ctx.run.id, iterationId: ctx.iteration.id, kind: 'tokenizer', path: file, parentId: null }),
      output: { vocabSize: tokenizer.vocabSize, texts: texts.length },
    };
  },
};
