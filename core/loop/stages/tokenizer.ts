import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { problemSchema } from '../../data/problem';
import { describeMemory } from '../../models/memory-estimate';
import { TextTokenizer, trainTokenizer } from '../../models/tokenizers';
import { checkMemory, checkpointFolders, copyTokenizerFiles } from '../checkpoint-models';
import { insertCheckpoint, listProblems } from '../../store/loop-records';
import { runFiles } from '../run-files';
import type { Stage } from '../stage';

/**
 * tokenizer (iteration 0): a byte-level BPE trained on the training problems' prompts and reference solutions, or,
 * for a run from a Hugging Face checkpoint, the checkpoint's own tokenizer files (after the memory check, so a run
 * that cannot fit stops here).
 */
export const tokenizerStage: Stage = {
  name: 'tokenizer',
  runsIn: (iteration) => iteration === 0,
  async run(ctx, config) {
    const folders = checkpointFolders(config);
    if (folders) {
      const memory = checkMemory(config, folders);
      ctx.log('info', `memory estimate: ${describeMemory(memory)}`);
      const file = runFiles.tokenizer(ctx.runDir);
      copyTokenizerFiles(folders.generator, file);
      const tokenizer = TextTokenizer.load(file);
      return {
        write: () => void insertCheckpoint(ctx.db, { runId: ctx.run.id, iterationId: ctx.iteration.id, kind: 'tokenizer', path: file, parentId: null }),
        output: { vocabSize: tokenizer.vocabSize, from: folders.generator, memoryBytes: memory.totalBytes },
      };
    }
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
