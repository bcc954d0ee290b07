import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { builtInSet, builtInSetNames, candidateProgram, loadCandidates, loadProblems, type Problem } from '../data/index';
import { unavailableMessage } from '../sandbox/availability';
import { selfCheck, type SelfCheckReport } from '../sandbox/self-check';
import { SandboxRunner, type RunRequest } from '../sandbox/runner';
import { STATUSES, type ExecutionResult, type Status } from '../sandbox/verdict';

export interface ExecOptions {
  problems?: string;
  candidates?: string;
  out?: string;
  jobs: number;
  /** Seconds per program. */
  timeout?: number;
  cacheDir?: string;
  /** false: a fresh sandbox per program (MultiPL-E's way; slower). */
  warm: boolean;
  selfCheck: boolean;
  json: boolean;
}

function warnIsolation(runner: SandboxRunner): void {
  for (const warning of runner.capabilities.warnings) console.error(`rewardranker exec: WARNING: ${warning}`);
}

/** `rewardranker exec`: run candidates against their problems' tests, or the self-check. */
export async function exec(options: ExecOptions): Promise<number> {
  if (options.selfCheck) return await runSelfCheck(options);
  const missing = (['problems', 'candidates', 'out'] as const).filter((k) => !options[k]);
  if (missing.length > 0) throw new Error(`exec needs ${missing.map((k) => `--${k}`).join(', ')} (or --self-check)`);
  // A built-in set's name stands for its file (a file of that name, if there is one, wins).
  const named = !existsSync(options.problems!) && builtInSetNames.includes(options.problems!);
  const problemsFile = named ? builtInSet(options.problems!).path : options.problems!;
  const candidatesFile = options.candidates!;
  const problems = new Map<string, Problem>(loadProblems(problemsFile).map((p) => [p.task_id, p]));
  const candidates = loadCandidates(candidatesFile);
  const requests: (RunRequest & { taskId: string; extra: Record<string, unknown> })[] = candidates.map((candidate, i) => {
    const problem = problems.get(candidate.task_id);
    if (!problem) {
      throw new Error(`${candidatesFile}: candidate ${i + 1}: key "task_id": no task "${candidate.task_id}" in ${problemsFile}`);
    }
    return {
      taskId: candidate.task_id,
      extra: candidate.extra,
      language: problem.language,
      program: candidateProgram(problem, candidate),
      // --no-warm is the baseline all the way: no compile servers or headers, tsc for TypeScript.
      context: { harness: problem.harness, link: problem.link, supportDir: problem.support_dir, warm: options.warm },
      ...(options.timeout !== undefined ? { limits: { timeoutMs: options.timeout * 1000 } } : {}),
    };
  });

  const runner = new SandboxRunner({ jobs: options.jobs, warm: options.warm, cacheDir: options.cacheDir ?? null });
  warnIsolation(runner);
  for (const language of new Set(requests.map((r) => r.language))) {
    const lang = runner.findLanguage(language);
    const avail = lang ? runner.availability().find((a) => a.id === lang.id) : undefined;
    if (avail && !avail.available) console.error(`rewardranker exec: ${unavailableMessage(avail)}; its candidates are not run`);
  }

  const out = createWriteStream(options.out!);
  const counts = new Map<Status, number>(STATUSES.map((s) => [s, 0]));
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let lastPrint = 0;
  const results = await runner
    .runBatch(requests, {
      onProgress: ({ done, total }) => {
        if (tty && (done === total || performance.now() - lastPrint > 200)) {
          lastPrint = performance.now();
          process.stderr.write(`\r${done}/${total} run`);
        }
      },
    })
    .finally(() => runner.close());
  if (tty) process.stderr.write('\n');
  if (runner.warmUnavailable) console.error(`rewardranker exec: WARNING: no warm sandboxes (${runner.warmUnavailable}); each program ran in a fresh one`);
  results.forEach((result: ExecutionResult, i) => {
    counts.set(result.status, (counts.get(result.status) ?? 0) + 1);
    const request = requests[i]!;
    // Backpressure is handled by the final 'finish' wait; the stream buffers the rest.
    out.write(`${JSON.stringify(resultLine(request.taskId, i + 1, request.language, result, request.extra))}\n`);
  });
  out.end();
  await once(out, 'finish');
  const seconds = (performance.now() - started) / 1000;
  const summary = STATUSES.filter((s) => (counts.get(s) ?? 0) > 0).map((s) => `${s} ${counts.get(s)}`);
  console.log(`${results.length} candidates in ${seconds.toFixed(1)} s (${runner.capabilities.mechanism}, ${runner.jobs} jobs): ${summary.join(', ')}`);
  console.log(`results: ${options.out}`);
  return 0;
}

/**
 * One output line: the candidate's own keys carried through untouched (its `id` first), then ours. A key of the
 * candidate's that one of ours would overwrite moves under `input`, so nothing it carried is lost.
 */
export function resultLine(
  taskId: string,
  candidate: number,
  language: string,
  result: ExecutionResult,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const ours: Record<string, unknown> = { task_id: taskId, candidate, language, ...result };
  const kept: Record<string, unknown> = {};
  const clashing: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) (key in ours || key === 'input' ? clashing : kept)[key] = value;
  const { id, ...rest } = kept;
  return {
    task_id: taskId,
    candidate,
    ...(id !== undefined ? { id } : {}),
    ...ours,
    ...rest,
    ...(Object.keys(clashing).length > 0 ? { input: clashing } : {}),
  };
}

async function runSelfCheck(options: ExecOptions): Promise<number> {
  const report = await selfCheck({ jobs: options.jobs });
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
  return report.ok ? 0 : 1;
}

function printReport(report: SelfCheckReport): void {
  const iso = report.isolation;
  console.log(`isolation: ${iso.mechanism}`);
  for (const [name, holds] of Object.entries(iso.guarantees)) console.log(`  ${holds ? 'yes' : 'NO '} ${name}`);
  for (const warning of iso.warnings) console.log(`  WARNING: ${warning}`);
  console.log('languages:');
  for (const l of report.languages) {
    const figure = l.ms === null ? '' : ` (${Math.round(l.ms)} ms)`;
    console.log(`  ${l.status.padEnd(11)} ${l.id.padEnd(11)} ${l.detail}${figure}`);
  }
  const bad = report.languages.filter((l) => l.status !== 'available');
  console.log(bad.length === 0 ? 'all languages available' : `${bad.length} of ${report.languages.length} languages not available`);
}

function positive(name: string, integer: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${name}: '${value}' is not a positive ${integer ? 'integer' : 'number'}`);
    }
    return n;
  };
}

/** Registers `rewardranker exec`. */
export function registerExec(program: Command): Command {
  return program
    .command('exec')
    .description('run candidates against their problems\' tests in the sandbox: one JSON line per candidate, a summary per status')
    .option('--problems <file>', 'problems: a HumanEval, MBPP, HumanEval-X, MultiPL-E or normalized JSONL file, or a built-in set\'s name (rewardranker data sets)')
    .option('--candidates <file>', 'candidates JSONL: task_id and one of completion, program or solution (EvalPlus) per line; other keys are carried into the results')
    .option('--out <file>', 'where to write one JSON result per candidate')
    .option('--jobs <n>', 'programs run at once', positive('--jobs', true), 2)
    .option('--timeout <s>', 'seconds per program (default 10)', positive('--timeout', false))
    .option('--cache-dir <dir>', 'keep results here too, so a re-run of the same programs is free')
    .option('--no-warm', 'a fresh sandbox per program (MultiPL-E\'s way) instead of warm workers')
    .option('--self-check', 'smoke-test every language and report what is available and which isolation guarantees hold')
    .option('--json', 'with --self-check: print the report as JSON')
    .action(async (opts: ExecOptions) => {
      process.exitCode = await exec({ ...opts, selfCheck: opts.selfCheck ?? false, json: opts.json ?? false });
    });
}
