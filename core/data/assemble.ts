import type { Problem } from './problem';

// CodeGeeX's IMPORT_HELPER["go"]: standard packages added when a completion uses them.
const goHelperPackages = ['math', 'strings', 'fmt', 'strconv', 'time', 'bytes', 'regexp', 'sort', 'math/rand', 'crypto/md5'];

/** Keeps the completion's lines up to the first non-blank line starting in column 0, as CodeGeeX does. */
function pythonTopBlock(completion: string): string {
  const kept: string[] = [];
  for (const line of completion.split('\n')) {
    if (line.trim().length > 0 && line[0] !== ' ' && line[0] !== '\t') break;
    kept.push(line);
  }
  return kept.join('\n');
}

function goImportBlock(completion: string, setup: string): string {
  const used = goHelperPackages.filter((pkg) => {
    if (setup.includes(pkg)) return false;
    const name = pkg.split('/').pop() ?? pkg;
    return completion.includes(`${name}.`);
  });
  if (used.length === 0) return '';
  return 'import (\n' + used.map((pkg) => `"${pkg}"\n`).join('    ') + ')\n';
}

/** The program the benchmark's evaluator would run for this completion. */
export function assembleProgram(problem: Problem, completion: string): string {
  switch (problem.completion_rule) {
    case 'as-is':
      return problem.prefix + completion + problem.suffix;
    case 'python-top-block':
      return problem.prefix + pythonTopBlock(completion) + problem.suffix;
    case 'go-auto-imports': {
      const at = problem.go_imports_at ?? 0;
      const imports = goImportBlock(completion, problem.go_setup ?? '');
      return problem.prefix.slice(0, at) + imports + problem.prefix.slice(at) + completion + problem.suffix;
    }
  }
}
