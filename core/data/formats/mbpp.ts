import { z } from 'zod';
import { makeProblem, type Problem } from '../problem';

const taskId = z.union([z.number().int(), z.string().min(1)]).transform(String);

export const mbppRecord = z.object({
  task_id: taskId,
  text: z.string(),
  code: z.string(),
  test_setup_code: z.string(),
  test_list: z.array(z.string()),
  challenge_test_list: z.array(z.string()).default([]),
});

export const mbppSanitizedRecord = z.object({
  task_id: taskId,
  prompt: z.string(),
  code: z.string(),
  test_imports: z.array(z.string()),
  test_list: z.array(z.string()),
  source_file: z.string().optional(),
});

// The prompt shape of the MBPP paper: the task, then the asserts that name the function and its signature.
function mbppPrompt(text: string, tests: string[]): string {
  return `${text}\nYour code should pass these tests:\n\n${tests.join('\n')}\n`;
}

/** MBPP (full): the completion is the whole program text; then test_setup_code and the test_list asserts. */
export function mbppProblem(r: z.output<typeof mbppRecord>): Problem {
  return makeProblem({
    task_id: r.task_id,
    language: 'python',
    prompt: mbppPrompt(r.text, r.test_list),
    prefix: '',
    suffix: `\n${r.test_setup_code}\n${r.test_list.join('\n')}\n`,
    canonical_solution: r.code,
    source_format: 'mbpp',
  });
}

/** MBPP (sanitized): the completion, then test_imports, then the test_list asserts. */
export function mbppSanitizedProblem(r: z.output<typeof mbppSanitizedRecord>): Problem {
  return makeProblem({
    task_id: r.task_id,
    language: 'python',
    prompt: mbppPrompt(r.prompt, r.test_list),
    prefix: '',
    suffix: `\n${r.test_imports.join('\n')}\n${r.test_list.join('\n')}\n`,
    canonical_solution: r.code,
    source_format: 'mbpp-sanitized',
  });
}
