/**
 * `rewardranker bench sandbox`: candidates per second per language with 2 workers, against one fresh sandboxed
 * process per candidate (MultiPL-E's way: a fresh bwrap per step, plain compiler commands, no warm workers, no
 * compile servers, no precompiled headers or build caches) measured in the same run.
 *
 * The candidate set is fixed and built from the built-in public sets (resources/datasets): canonical solutions and broken
 * variants of them (boolean return values swapped, a syntax error) where a set has solutions (HumanEval and MBPP
 * for Python, HumanEval-X for C++, Java, JavaScript, Go, Rust, and HumanEval-X's JavaScript for TypeScript, which
 * accepts it). C++ adds MultiPL-E's prompts with `return {};` and with a syntax error. The languages with prompts
 * only (MultiPL-E's C#, PHP, Bash, Lua, Ruby) get the hand-written completions of the dataset tests plus, per
 * problem, a body returning a default value (runs, usually fails) and a syntax error. No endless loops are added
 * (a Timeout costs the same wall time either way), though a swapped boolean now and then makes one. The set
 * interleaves kinds, so any prefix (--candidates N) is mixed too; every program is distinct, so no cache answers.
 *
 * The set is cut into chunks; warm and baseline runs alternate chunk by chunk (so a busy machine slows both
 * alike); candidates/s are medians over chunks, and the speedup is the median over chunks of warm/baseline on the
 * same chunk. Both runners first run the language's smoke program untimed, so one-off start-up (sandboxes,
 * compile servers, caches) is not counted.
 */
import { join } from 'node:path';
import { assembleProgram } from '../../core/data/assemble';
import { loadProblems } from '../../core/data/load';
import type { Problem, ProblemLanguage } from '../../core/data/problem';
import { unavailableMessage } from '../../core/sandbox/availability';
import type { ProgramContext } from '../../core/sandbox/language';
import { SandboxRunner, type RunRequest } from '../../core/sandbox/runner';
import type { Status } from '../../core/sandbox/verdict';
import { MULTIPL_E_CASES, type Case } from '../core/sandbox/datasets/multipl-e-cases';
import { changedReturn, syntaxError } from '../support/broken-variants';

export interface LanguageFigures {
  candidates_per_s: number;
  baseline_per_s: number;
  speedup: number;
  candidates: number;
  statuses: Partial<Record<Status, number>>;
}
export interface SandboxBench {
  languages: Record<string, LanguageFigures>;
  jobs: number;
  chunks: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

interface Candidate {
  problem: Problem;
  completion: string;
}

const SOLVED_SETS: Partial<Record<ProblemLanguage, string[]>> = {
  python: ['humaneval/HumanEval.jsonl', 'mbpp/sanitized-mbpp.json', 'mbpp/mbpp.jsonl'],
  cpp: ['humaneval-x/cpp/humaneval_cpp.jsonl'],
  java: ['humaneval-x/java/humaneval_java.jsonl'],
  javascript: ['humaneval-x/js/humaneval_js.jsonl'],
  typescript: ['humaneval-x/js/humaneval_js.jsonl'],
  go: ['humaneval-x/go/humaneval_go.jsonl'],
  rust: ['humaneval-x/rust/humaneval_rust.jsonl'],
};
const PROMPT_SETS: Partial<Record<ProblemLanguage, string>> = {
  csharp: 'cs',
  php: 'php',
  bash: 'sh',
  lua: 'lua',
  ruby: 'rb',
};

// A body that returns a default value: it runs (or compiles) and then usually fails its tests.
function defaultBody(language: ProblemLanguage, prompt: string): string {
  switch (language) {
    case 'csharp': {
      const type = /public static ([\w<>,\s[\]]+?) \w+\([^)]*\)\s*\{\s*$/.exec(prompt)?.[1] ?? 'object';
      return `        return default(${type});\n`;
    }
    case 'php':
      return '    return null;\n}\n';
    case 'bash':
      return '    echo ""\n';
    case 'lua':
      return '    return nil\nend\n';
    case 'ruby':
      return '  nil\nend\n';
    default:
      throw new Error(`no default body for ${language}`);
  }
}

/** Interleaves lists: a, b, c, a, b, c, ... so that a prefix holds every kind. */
function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i] as T);
  return out;
}

/** The fixed candidate set for one language (at most n, distinct programs). */
export function benchCandidates(dataDir: string, language: ProblemLanguage, n: number): Candidate[] {
  const kinds: Candidate[][] = [[], [], []];
  for (const file of SOLVED_SETS[language] ?? []) {
    // TypeScript runs HumanEval-X's JavaScript (a TypeScript program too).
    const problems = loadProblems(join(dataDir, file)).map((p) => ({ ...p, language }));
    for (const problem of problems) {
      const solution = problem.canonical_solution ?? '';
      kinds[0]?.push({ problem, completion: solution });
      const changed = changedReturn(solution);
      if (changed !== null) kinds[1]?.push({ problem, completion: changed });
      kinds[2]?.push({ problem, completion: syntaxError(solution) });
    }
  }
  // MultiPL-E's C++ (the RewardRanker paper's set; its prompts include bits/stdc++.h) has no solutions: its prompts
  // with a value-initialised return (`return {};`, valid for every return type there) and with a syntax error.
  if (language === 'cpp') {
    const valueInit: Candidate[] = [];
    const broken: Candidate[] = [];
    for (const problem of loadProblems(join(dataDir, 'multipl-e/humaneval-cpp.jsonl'))) {
      valueInit.push({ problem, completion: '    return {};\n' });
      broken.push({ problem, completion: syntaxError('    return {};\n') });
    }
    kinds.push(valueInit, broken);
  }
  const short = PROMPT_SETS[language];
  if (short) {
    const cases: Record<string, Case> = MULTIPL_E_CASES[short] ?? {};
    for (const problem of loadProblems(join(dataDir, `multipl-e/humaneval-${short}.jsonl`))) {
      const known = cases[problem.task_id];
      if (known) kinds[0]?.push({ problem, completion: known.ok }, { problem, completion: known.wrong });
      kinds[1]?.push({ problem, completion: defaultBody(language, problem.prompt) });
      kinds[2]?.push({ problem, completion: syntaxError(defaultBody(language, problem.prompt)) });
    }
  }
  const seen = new Set<string>();
  return interleave(kinds)
    .filter((c) => {
      const program = assembleProgram(c.problem, c.completion);
      if (seen.has(program)) return false;
      seen.add(program);
      return true;
    })
    .slice(0, n);
}

function request(c: Candidate, warm: boolean): RunRequest {
  const context: ProgramContext = { harness: c.problem.harness, link: c.problem.link, supportDir: c.problem.support_dir, warm };
  return { language: c.problem.language, program: assembleProgram(c.problem, c.completion), context, limits: { timeoutMs: 10_000 } };
}

export interface SandboxBenchOptions {
  dataDir: string;
  languages: readonly ProblemLanguage[];
  candidates: number;
  jobs: number;
  chunks: number;
  log: (line: string) => void;
}

export async function benchSandbox(options: SandboxBenchOptions): Promise<SandboxBench> {
  const result: SandboxBench = { languages: {}, jobs: options.jobs, chunks: options.chunks };
  for (const language of options.languages) {
    const set = benchCandidates(options.dataDir, language, options.candidates);
    const chunks = Math.max(1, Math.min(options.chunks, set.length));
    const size = Math.ceil(set.length / chunks);
    const warm = new SandboxRunner({ jobs: options.jobs, warm: true });
    const cold = new SandboxRunner({ jobs: options.jobs, warm: false });
    const avail = warm.availability().find((a) => a.id === language);
    if (!avail?.available) {
      options.log(`${language}: skipped: ${avail ? unavailableMessage(avail) : 'unknown language'}`);
      await Promise.all([warm.close(), cold.close()]);
      continue;
    }
    const rates = { warm: [] as number[], cold: [] as number[] };
    const statuses: Partial<Record<Status, number>> = {};
    try {
      // Steady state is what a batch of thousands sees: start the worker sandboxes (and, warm, the compile servers,
      // precompiled headers and build caches) on the language's smoke program before the clock starts.
      const smoke = warm.findLanguage(language)?.smoke.ok ?? '';
      await Promise.all([
        warm.run({ language, program: smoke }),
        cold.run({ language, program: smoke, context: { harness: 'multipl-e', link: [], warm: false } }),
      ]);
      for (let i = 0; i < chunks; i++) {
        const chunk = set.slice(i * size, (i + 1) * size);
        if (chunk.length === 0) continue;
        for (const [runner, isWarm] of [[warm, true], [cold, false]] as const) {
          const started = performance.now();
          const results = await runner.runBatch(chunk.map((c) => request(c, isWarm)));
          const seconds = (performance.now() - started) / 1000;
          (isWarm ? rates.warm : rates.cold).push(chunk.length / seconds);
          if (isWarm) for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        }
        options.log(`${language}: chunk ${i + 1}/${chunks}: ${rates.warm.at(-1)?.toFixed(1)}/s warm, ${rates.cold.at(-1)?.toFixed(1)}/s baseline`);
      }
    } finally {
      await Promise.all([warm.close(), cold.close()]);
    }
    // The speedup pairs each chunk's two runs (same candidates, same moment), then takes the median.
    const ratios = rates.warm.map((w, i) => w / (rates.cold[i] ?? w));
    result.languages[language] = {
      candidates_per_s: Number(median(rates.warm).toFixed(2)),
      baseline_per_s: Number(median(rates.cold).toFixed(2)),
      speedup: Number(median(ratios).toFixed(2)),
      candidates: set.length,
      statuses,
    };
  }
  return result;
}

/** The table for the README / notes. */
export function benchTable(bench: SandboxBench): string {
  const rows = Object.entries(bench.languages).map(
    ([language, f]) => `| ${language} | ${f.candidates} | ${f.candidates_per_s} | ${f.baseline_per_s} | ${f.speedup}x |`,
  );
  return ['| language | candidates | candidates/s (2 workers) | baseline/s | speedup |', '|---|---|---|---|---|', ...rows].join('\n');
}
