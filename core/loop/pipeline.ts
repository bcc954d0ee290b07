import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine/engine';
import { startEngine } from '../engine/engine-config';
import { leaseSharedSandbox } from '../sandbox/shared-runner';
import { insertProblems } from '../store/loop-records';
import { openStore, type Db } from '../store/open-store';
import { completeStage, createRun, ensureIteration, failStage, findRun, setIterationStatus, stagesOf, type RunRow } from '../store/runs';
import { loadRunProblems } from './problem-set';
import type { ProgressUpdate } from './progress';
import { storedRunConfig, type RunConfig } from './run-config';
import type { Stage, StageContext } from './stage';
import { errorMessage } from '../error-message';

export interface IterateOptions {
  workspace: string;
  config: RunConfig;
  /** The stages of one iteration, in order (core/loop/stages/index.ts has the default list). */
  stages: readonly Stage[];
  runName?: string;
  onProgress?: (iteration: number, update: ProgressUpdate) => void;
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
  onStage?: (iteration: number, stage: string, state: 'started' | 'done' | 'skipped') => void;
  /** An iteration ended: done, or stopped by an error or a cancel (the store says where it will resume). */
  onIterationEnd?: (iteration: number, state: 'done' | 'failed' | 'cancelled', error: string | null) => void;
  signal?: AbortSignal;
}

export function storeFile(workspace: string): string {
  return join(workspace, 'run.sqlite');
}

/**
 * Runs iterations until `config.iterations` are done, resuming where the store says the last run stopped: each
 * finished stage is skipped, the first unfinished one starts over. Same seed on CPU, same results either way.
 */
export async function iterate(options: IterateOptions): Promise<RunRow> {
  const db = openStore(storeFile(options.workspace));
  const sandbox = leaseSharedSandbox();
  const log = options.onLog ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  let engine: Promise<Engine> | null = null;
  try {
    const run = openRun(db, options);
    const runDir = join(options.workspace, 'runs', run.name);
    mkdirSync(runDir, { recursive: true });
    for (let index = 0; index < options.config.iterations; index++) {
      const iteration = ensureIteration(db, run.id, index);
      if (iteration.status === 'done') continue;
      setIterationStatus(db, iteration.id, 'running');
      const finished = new Set(stagesOf(db, iteration.id).filter((s) => s.status === 'done').map((s) => s.stage));
      const ctx: StageContext = {
        db,
        run,
        iteration,
        runDir,
        sandbox: sandbox.runner,
        engine: () => (engine ??= startEngine(options.config.engine)),
        progress: (update) => options.onProgress?.(index, update),
        log,
        signal,
      };
      for (const stage of options.stages) {
        if (stage.runsIn && !stage.runsIn(index, options.config)) continue;
        if (finished.has(stage.name)) {
          options.onStage?.(index, stage.name, 'skipped');
          continue;
        }
        signal.throwIfAborted();
        options.onStage?.(index, stage.name, 'started');
        const startedAt = new Date().toISOString();
        try {
          const outcome = await stage.run(ctx, options.config);
          signal.throwIfAborted();
          completeStage(db, iteration.id, stage.name, startedAt, outcome.write, outcome.output);
        } catch (err) {
          const message = errorMessage(err);
          failStage(db, iteration.id, stage.name, startedAt, message);
          setIterationStatus(db, iteration.id, signal.aborted ? 'cancelled' : 'failed');
          options.onIterationEnd?.(index, signal.aborted ? 'cancelled' : 'failed', message);
          throw err;
        }
        options.onStage?.(index, stage.name, 'done');
      }
      setIterationStatus(db, iteration.id, 'done');
      log('info', `iteration ${index} done`);
      options.onIterationEnd?.(index, 'done', null);
    }
    return run;
  } finally {
    if (engine) await (await engine).close();
    await sandbox.release();
    db.close();
  }
}

/** The named run, created with its problems on first use; a resumed run must be asked for with the same config. */
function openRun(db: Db, options: IterateOptions): RunRow {
  const name = options.runName ?? 'default';
  // Where it computes is no part of a run's identity: a run started on the CPU may resume on a GPU.
  const { iterations: _requested, engine: _engine, ...fixed } = options.config;
  const existing = findRun(db, name);
  if (existing) {
    const { iterations: _stored, engine: _storedEngine, ...stored } = storedRunConfig(db, existing);
    if (JSON.stringify(stored) !== JSON.stringify(fixed)) {
      throw new Error(
        `${storeFile(options.workspace)}: run '${name}' was started with another config; resume it with the same one, or start a new run (--run NAME)`,
      );
    }
    return existing;
  }
  const problems = loadRunProblems(options.config.problems, options.config.seed);
  return db.transaction(() => {
    const run = createRun(db, { name, config: options.config, seed: options.config.seed });
    insertProblems(
      db,
      run.id,
      problems.map(({ problem, split }) => ({ taskId: problem.task_id, language: problem.language, split, prompt: problem.prompt, data: problem })),
    );
    return run;
  })();
}
