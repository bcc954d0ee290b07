import { z } from 'zod';
import { makeProblem, type Problem } from '../problem';

export const humanEvalRecord = z.object({
  task_id: z.string().min(1),
  prompt: z.string(),
  canonical_solution: z.string(),
  test: z.string(),
  entry_point: z.string().min(1),
});

/** OpenAI's evaluator: prompt + completion + "\n" + test + "\ncheck(entry_point)". */
export function humanEvalProblem(r: z.output<typeof humanEvalRecord>): Problem {
  return makeProblem({
    task_id: r.task_id,
    language: 'python',
    prompt: r.prompt,
    prefix: r.prompt,
    suffix: `\n${r.test}\ncheck(${r.entry_point})`,
    canonical_solution: r.canonical_solution,
    source_format: 'humaneval',
  });
}
