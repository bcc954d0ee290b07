import type { Command } from 'commander';
import { loadCandidates, loadProblems, type Problem } from '../data/index';
import { Engine } from '../engine/engine';
import { readReranker, scoreWithReranker } from '../models/export';

export interface ScoreOptions {
  model: string;
  problems: string;
  candidates: string;
  json?: boolean;
}

/**
 * `rewardranker score`: ranks each problem's candidates with an exported reranker (.onnx with its tokenizer in the
 * metadata). A {completion} candidate is scored as prompt + completion; a {program} or {solution} candidate as its
 * whole text.
 * Prints one line per candidate, best first within each problem: rank, score, task id and the candidate's line.
 */
export async function score(options: ScoreOptions): Promise<void> {
  const reranker = readReranker(options.model);
  const problems = new Map<string, Problem>(loadProblems(options.problems).map((p) => [p.task_id, p]));
  const candidates = loadCandidates(options.candidates);
  const items = candidates.map((c, i) => {
    const problem = problems.get(c.task_id);
    if (!problem) throw new Error(`${options.candidates}: candidate ${i + 1}: key "task_id": no task "${c.task_id}" in ${options.problems}`);
    if ('completion' in c) return { prompt: problem.prompt, completion: c.completion };
    return { prompt: '', completion: 'program' in c ? c.program : c.solution };
  });
  const engine = await Engine.start();
  let scores: number[];
  try {
    scores = await scoreWithReranker(engine, reranker, items);
  } finally {
    await engine.close();
  }
  const byTask = new Map<string, number[]>();
  candidates.forEach((c, i) => byTask.set(c.task_id, [...(byTask.get(c.task_id) ?? []), i]));
  for (const [taskId, indices] of byTask) {
    const ranked = [...indices].sort((a, b) => scores[b]! - scores[a]! || a - b);
    ranked.forEach((i, rank) => {
      if (options.json) console.log(JSON.stringify({ task_id: taskId, rank: rank + 1, score: scores[i], candidate: i + 1 }));
      else console.log(`${taskId}\t${rank + 1}\t${scores[i]!.toFixed(4)}\tcandidate ${i + 1}`);
    });
  }
}

export function registerScore(program: Command): Command {
  return program
    .command('score')
    .description('rank candidates with an exported reranker (.onnx): best first within each problem')
    .requiredOption('--model <file>', 'the reranker .onnx (exported by bench models or the loop; tokenizer in its metadata)')
    .requiredOption('--problems <file>', 'problems: HumanEval, MBPP, HumanEval-X, MultiPL-E or normalized JSONL')
    .requiredOption('--candidates <file>', 'candidates JSONL: task_id and one of completion, program or solution (EvalPlus) per line')
    .option('--json', 'one JSON object per line: task_id, rank, score, candidate (1-based line in the candidates file)')
    .action(async (opts: ScoreOptions) => {
      await score(opts);
    });
}
