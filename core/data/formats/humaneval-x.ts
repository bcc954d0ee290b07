import { z } from 'zod';
import { makeProblem, type Problem, type ProblemLanguage } from '../problem';

// CodeGeeX's IMPORT_HELPER lists (codegeex/benchmark/utils.py) that its evaluator puts before the prompt.
const pythonImports = [
  'import math',
  'import re',
  'import sys',
  'import copy',
  'import datetime',
  'import itertools',
  'import collections',
  'import heapq',
  'import statistics',
  'import functools',
  'import hashlib',
  'import numpy',
  'import numpy as np',
  'import string',
  'from typing import *',
  'from collections import *',
];
const cppIncludes = [
  '#include<stdlib.h>',
  '#include<algorithm>',
  '#include<math.h>',
  '#include<stdio.h>',
  '#include<vector>',
  '#include<string>',
  '#include<climits>',
  '#include<cstring>',
  '#include<iostream>',
];
// CodeGeeX builds Rust under cargo with these crates as dependencies; without a crates registry they are not
// available, so their `use` lines are dropped (the few tasks that need them fail to compile: SOURCES.md).
const rustCrateUses = ['use rand::Rng;', 'use regex::Regex;', 'use md5;'];
const rustMain = '\nfn main(){ \n } \n';

const languageByPrefix: Record<string, ProblemLanguage> = {
  Python: 'python',
  CPP: 'cpp',
  Java: 'java',
  JavaScript: 'javascript',
  Go: 'go',
  Rust: 'rust',
};

export const humanEvalXRecord = z.object({
  task_id: z.string().refine((id) => (id.split('/')[0] ?? '') in languageByPrefix, {
    message: `expected <Language>/<n> with Language one of ${Object.keys(languageByPrefix).join(', ')}`,
  }),
  prompt: z.string(),
  declaration: z.string(),
  canonical_solution: z.string(),
  test: z.string(),
  example_test: z.string().optional(),
  import: z.string().optional(),
  test_setup: z.string().optional(),
});
type HumanEvalXRecord = z.output<typeof humanEvalXRecord>;

/** Programs as CodeGeeX's evaluate_humaneval_x.py (process_humaneval_test) builds them. */
export function humanEvalXProblem(r: HumanEvalXRecord): Problem {
  const language = languageByPrefix[r.task_id.split('/')[0] ?? ''];
  const base = {
    task_id: r.task_id,
    prompt: r.prompt,
    canonical_solution: r.canonical_solution,
    harness: 'humaneval-x' as const,
    source_format: 'humaneval-x',
  };
  switch (language) {
    case 'python':
      return makeProblem({
        ...base,
        language,
        prefix: pythonImports.join('\n') + '\n' + r.prompt,
        suffix: `\n${r.test}\n`,
        completion_rule: 'python-top-block',
      });
    case 'cpp': {
      const setup = cppIncludes
        .filter((line) => !r.prompt.includes(line))
        .map((line) => line + '\n')
        .join('');
      return makeProblem({
        ...base,
        language,
        prefix: `${setup}\n${r.prompt}`,
        suffix: `\n${r.test}`,
        // CodeGeeX links OpenSSL for the one task (CPP/162) whose test computes an MD5.
        link: r.task_id.includes('162') ? ['crypto', 'ssl'] : [],
      });
    }
    case 'java':
    case 'javascript':
      return makeProblem({ ...base, language, prefix: r.prompt, suffix: `\n${r.test}` });
    case 'go': {
      const setup = r.test_setup ?? '';
      const prompt = r.import ? r.prompt.split(r.import).join('') : r.prompt;
      return makeProblem({
        ...base,
        language,
        prefix: `${setup}\n${prompt}`,
        suffix: `\n${r.test}`,
        completion_rule: 'go-auto-imports',
        go_imports_at: setup.length + 1,
        go_setup: setup,
      });
    }
    case 'rust': {
      const declaration = r.declaration
        .split('\n')
        .filter((line) => !rustCrateUses.includes(line.trim()))
        .join('\n');
      return makeProblem({ ...base, language, prefix: rustMain + declaration + r.prompt, suffix: r.test });
    }
    default:
      throw new Error(`unknown HumanEval-X language in ${r.task_id}`);
  }
}
