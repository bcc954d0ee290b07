/**
 * The notebook at scale: a synthetic run store of many candidates (100,000 by default) written straight through
 * core/store's own functions, and the time the core takes to answer what opening an iteration asks for (metrics,
 * histograms with the previous iteration, the ROC curve, the first hard-negative and problem pages, one problem's
 * ranked candidates). The Chromium benchmark of the UI opens the same store (`bench ui-store --create-only`).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../core/engine/rng';
import { Core } from '../../core/host/core';
import { iterationMetrics } from '../../core/loop/iteration-metrics';
import { storeFile } from '../../core/loop/pipeline';
import { runConfigSchema } from '../../core/loop/run-config';
import { insertCandidates, insertCheckpoint, insertExecutions, insertMined, insertProblems, insertScores, listCandidates, listProblems } from '../../core/store/loop-records';
import { openStore } from '../../core/store/open-store';
import { completeStage, createRun, ensureIteration, setIterationStatus } from '../../core/store/runs';

export interface SyntheticStoreOptions {
  candidates: number;
  iterations: number;
  samplesPerProblem: number;
  seed: number;
  runName: string;
}

const LANGUAGES = ['python', 'javascript', 'typescript', 'cpp', 'java', 'go'];
const FAILING = ['Exception', 'Exception', 'Exception', 'SyntaxError', 'Timeout'] as const;

function program(rng: Rng, task: number, sample: number): string {
  const body = Array.from({ length: 3 + rng.int(6) }, (_, i) => `    x = x * ${1 + rng.int(9)} + ${i} # sample ${sample}`);
  return [`def solve_${task}(x):`, ...body, '    return x', ''].join('\n');
}

/**
 * A run as the loop would leave it, at any size: problems (a fifth held out) in six languages, `samplesPerProblem`
 * candidates per problem per iteration with executions, every iteration with its own reranker scoring the held-out
 * candidates and (from the second on) the previous one scoring every candidate, hard negatives mined by the
 * best-passing rule, disputed samples, and each iteration's metrics computed by the loop's own code.
 */
export function writeSyntheticStore(workspace: string, options: Partial<SyntheticStoreOptions> = {}): { file: string; candidates: number } {
  const o: SyntheticStoreOptions = { candidates: 100_000, iterations: 2, samplesPerProblem: 8, seed: 1, runName: 'default', ...options };
  const file = storeFile(workspace);
  rmSync(file, { force: true });
  const db = openStore(file);
  const rng = new Rng(o.seed);
  const problemCount = Math.max(1, Math.round(o.candidates / (o.iterations * o.samplesPerProblem)));
  try {
    const config = runConfigSchema.parse({ iterations: o.iterations, seed: o.seed });
    const run = db.transaction(() => {
      const created = createRun(db, { name: o.runName, config, seed: o.seed });
      insertProblems(
        db,
        created.id,
        Array.from({ length: problemCount }, (_, i) => {
          const language = LANGUAGES[i % LANGUAGES.length]!;
          const split = i % 5 === 4 ? ('heldout' as const) : ('train' as const);
          const taskId = `${split}/${language}/${String(i).padStart(6, '0')}`;
          const prompt = `def solve_${i}(x):\n    """Return x transformed (synthetic problem ${i})."""\n`;
          return { taskId, language, split, prompt, data: { task_id: taskId, language, prompt } };
        }),
      );
      return created;
    })();
    const problems = listProblems(db, run.id);
    // Each problem's difficulty stays the same across iterations, so some problems never pass and some always do.
    const difficulty = new Map(problems.map((p) => [p.id, rng.uniform()]));
    let previousReranker: number | null = null;
    for (let index = 0; index < o.iterations; index++) {
      const iteration = ensureIteration(db, run.id, index);
      const started = new Date().toISOString();
      db.transaction(() => {
        insertCandidates(
          db,
          iteration.id,
          problems.flatMap((p, t) =>
            Array.from({ length: o.samplesPerProblem }, (_, s) => ({ problemId: p.id, sampleIdx: s, code: program(rng, t, s), tokens: null, logprobs: null })),
          ),
        );
      })();
      const candidates = listCandidates(db, iteration.id);
      const split = new Map(problems.map((p) => [p.id, p.split]));
      const passed = new Map(candidates.map((c) => [c.id, rng.uniform() > difficulty.get(c.problemId)! - 0.1 * index]));
      // The reranker gets better with iterations: passing candidates drift up, failing ones down.
      const score = (id: number, skill: number): number => (passed.get(id) ? skill : -skill) + 1.2 * Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
      db.transaction(() => {
        insertExecutions(
          db,
          candidates.map((c) => {
            const ok = passed.get(c.id)!;
            const status = ok ? 'OK' : FAILING[rng.int(FAILING.length)]!;
            return {
              candidateId: c.id,
              attempt: 0,
              status,
              exitCode: ok ? 0 : 1,
              testsPassed: ok ? 4 : rng.int(4),
              testsTotal: 4,
              wallMs: 20 + rng.int(200),
              cpuMs: 10 + rng.int(100),
              stdout: '',
              stderr: ok ? '' : `AssertionError: test ${1 + rng.int(4)} failed`,
            };
          }),
        );
        const own = insertCheckpoint(db, { runId: run.id, iterationId: iteration.id, kind: 'reranker', path: `synthetic/reranker-${index}`, parentId: previousReranker });
        insertScores(db, own, candidates.filter((c) => split.get(c.problemId) === 'heldout').map((c) => ({ candidateId: c.id, score: score(c.id, 0.6 + 0.3 * index) })));
        const mineScores = new Map<number, number>();
        if (previousReranker !== null) {
          for (const c of candidates) mineScores.set(c.id, score(c.id, 0.5 + 0.3 * index));
          insertScores(db, previousReranker, [...mineScores].map(([candidateId, s]) => ({ candidateId, score: s })));
        }
        completeStage(db, iteration.id, 'score', started, () => {}, { checkpointId: previousReranker, scored: mineScores.size });
        const best = new Map<number, number>();
        for (const c of candidates) {
          const s = mineScores.get(c.id);
          if (s !== undefined && passed.get(c.id)) best.set(c.problemId, Math.max(best.get(c.problemId) ?? -Infinity, s));
        }
        const mined = candidates.flatMap((c) => {
          const s = mineScores.get(c.id);
          const threshold = best.get(c.problemId);
          const rows: Array<{ candidateId: number; kind: 'hard-negative' | 'disputed'; detail: unknown }> = [];
          if (split.get(c.problemId) === 'train' && s !== undefined && threshold !== undefined && !passed.get(c.id) && s > threshold) {
            rows.push({ candidateId: c.id, kind: 'hard-negative', detail: { score: s, threshold } });
          }
          if (rng.uniform() < 0.01) {
            rows.push({ candidateId: c.id, kind: 'disputed', detail: { reasons: [{ kind: 'reranker-disagrees', detail: 'synthetic: the reranker disagrees with the verdict' }] } });
          }
          return rows;
        });
        insertMined(db, iteration.id, mined);
        completeStage(db, iteration.id, 'mine', started, () => {}, { hardNegatives: mined.filter((m) => m.kind === 'hard-negative').length });
        previousReranker = own;
      })();
      setIterationStatus(db, iteration.id, 'done', iterationMetrics(db, run.id, iteration.id, previousReranker!));
    }
    return { file, candidates: problemCount * o.samplesPerProblem * o.iterations };
  } finally {
    db.close();
  }
}

export interface UiStoreBench {
  candidates: number;
  create_s: number;
  /** Median wall and CPU ms per call over the rounds, answered by the core (in-process, as the core worker would). */
  [call: string]: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Creates the store, then times what opening its last iteration asks the core for, median over `rounds`. */
export async function benchUiStore(options: {
  workspace: string;
  candidates: number;
  rounds: number;
  /** Time the store already in the workspace (made by an earlier run of this benchmark) instead of writing one. */
  reuse?: boolean;
  log: (line: string) => void;
}): Promise<UiStoreBench> {
  const t0 = performance.now();
  const candidates = options.reuse ? options.candidates : writeSyntheticStore(options.workspace, { candidates: options.candidates }).candidates;
  const create = options.reuse ? 0 : (performance.now() - t0) / 1000;
  options.log(`synthetic store: ${candidates} candidates${options.reuse ? ' (reused)' : ` in ${create.toFixed(1)} s`} (${join(options.workspace, 'run.sqlite')})`);
  const core = new Core({ mode: 'web', workspace: options.workspace, electronVersion: null });
  const iteration = 1;
  const calls: Array<[string, string, unknown]> = [
    ['metrics_ms', 'iterations.metrics', { iteration }],
    ['histogram_ms', 'metrics.histogram', { iterations: [iteration - 1, iteration] }],
    ['roc_ms', 'metrics.roc', { iteration }],
    ['hard_negative_page_ms', 'hardNegatives.page', { iteration, limit: 100 }],
    ['hard_negative_page_filtered_ms', 'hardNegatives.page', { iteration, limit: 100, language: 'go', search: '00', sort: 'score' }],
    ['problem_page_ms', 'problems.page', { iteration, limit: 100 }],
    ['ranked_candidates_ms', 'candidates.byProblem', { iteration, problemId: 5 }],
    ['disputed_ms', 'mined.list', { iteration, kind: 'disputed' }],
  ];
  const result: UiStoreBench = { candidates, create_s: create };
  try {
    for (const [name, method, params] of calls) {
      const times: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < options.rounds; r++) {
        const t = performance.now();
        const c = process.cpuUsage();
        const outcome = await core.invoke(method, params);
        if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`);
        const used = process.cpuUsage(c);
        times.push(performance.now() - t);
        // The reads run synchronously on this thread, so its CPU time is the call's cost whatever the machine's load.
        cpu.push((used.user + used.system) / 1000);
      }
      result[name] = median(times);
      result[name.replace(/_ms$/, '_cpu_ms')] = median(cpu);
      options.log(`${method}: ${result[name].toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU (medians of ${options.rounds})`);
    }
    const opening = ['metrics', 'histogram', 'roc', 'hard_negative_page', 'problem_page'];
    result.open_iteration_ms = opening.reduce((sum, k) => sum + result[`${k}_ms`]!, 0);
    result.open_iteration_cpu_ms = opening.reduce((sum, k) => sum + result[`${k}_cpu_ms`]!, 0);
    return result;
  } finally {
    core.loop.close();
  }
}
