import { z } from 'zod';
import { makeProblem, type Problem, type ProblemLanguage } from '../problem';

// MultiPL-E's `language` field (its file extensions; Go's is the test-file suffix).
const languageByName: Record<string, ProblemLanguage> = {
  py: 'python',
  python: 'python',
  js: 'javascript',
  ts: 'typescript',
  cpp: 'cpp',
  java: 'java',
  cs: 'csharp',
  php: 'php',
  sh: 'bash',
  go: 'go',
  'go_test.go': 'go',
  rs: 'rust',
  lua: 'lua',
  rb: 'ruby',
};

export const multiplERecord = z.object({
  name: z.string().min(1),
  language: z.string().refine((l) => l in languageByName, {
    message: `unknown language (expected one of ${Object.keys(languageByName).join(', ')})`,
  }),
  prompt: z.string(),
  tests: z.string(),
  stop_tokens: z.array(z.string()),
  task_id: z.string().optional(),
});

/** MultiPL-E's evaluator: prompt + completion + "\n" + tests. */
export function multiplEProblem(r: z.output<typeof multiplERecord>): Problem {
  const language = languageByName[r.language];
  if (language === undefined) throw new Error(`unknown MultiPL-E language ${r.language}`);
  return makeProblem({
    task_id: r.name,
    language,
    prompt: r.prompt,
    prefix: r.prompt,
    suffix: `\n${r.tests}`,
    source_format: 'multipl-e',
  });
}
