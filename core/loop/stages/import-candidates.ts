import { loadCandidates } from '../../data/candidates';
import { DataFileError } from '../../data/read-records';
import { insertCandidates, listProblems } from '../../store/loop-records';
import type { Stage } from '../stage';

/**
 * generate, from a file: candidates sampled elsewhere (a bigger model, another sampler) enter the loop as if this
 * iteration had sampled them, so the reranker can be trained and inspected on them. Each iteration takes them again.
 */
export const importCandidatesStage: Stage = {
  name: 'generate',
  async run(ctx, config) {
    const file = config.generate.candidatesFile!;
    const byTask = new Map(listProblems(ctx.db, ctx.run.id).map((p) => [p.taskId, p.id]));
    const counts = new Map<number, number>();
    const rows = loadCandidates(file).map((candidate, i) => {
      const problemId = byTask.get(candidate.task_id);
      if (problemId === undefined) {
        throw new DataFileError(file, `candidate ${i + 1}`, `task_id '${candidate.task_id}' is not a problem of this run`);
      }
      if (!('completion' in candidate)) {
        throw new DataFileError(file, `candidate ${i + 1}`, 'the loop takes completions ({task_id, completion}), not whole programs or solutions');
      }
      const sampleIdx = counts.get(problemId) ?? 0;
      counts.set(problemId, sampleIdx + 1);
      return { problemId, sampleIdx, code: candidate.completion, tokens: null, logprobs: null };
    });
    return {
      write: () => insertCandidates(ctx.db, ctx.iteration.id, rows),
      output: { candidates: rows.length, problems: counts.size, source: file },
    };
  },
};
