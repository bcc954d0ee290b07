import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { appRoot } from '../app-root';
import { iterate, storeFile } from '../loop/pipeline';
import { formatProgress } from '../loop/progress';
import { engineWith } from '../engine/engine-config';
import { loadRunConfig } from '../loop/run-config';
import { iterationStages } from '../loop/stages/index';
import { formatStatus, runStatus } from '../loop/status';
import { withStore } from './with-store';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a whole number >= 1`);
  return n;
}

/**
 * How to open the run just made. `npm start` always runs in the app's folder, so the workspace is given as typed only
 * when it resolves to the same folder from there; otherwise by its absolute path.
 */
export function openHint(workspace: string, typed: string, run: string): string {
  const arg = resolve(appRoot().dir, typed) === workspace ? typed : workspace;
  const which = run === 'default' ? '' : ` (run '${run}')`;
  return `Open the run${which} in the app: npm start -- --workspace ${arg}   (or, on a remote box: npx rewardranker serve --workspace ${arg})`;
}

/** `iterate` and `status`: run the self-training loop headless, and see where a run stands. */
export function registerLoop(program: Command): void {
  program
    .command('iterate')
    .description('run self-training iterations (resumes where the last run stopped)')
    .option('--workspace <dir>', 'where the run store and checkpoints live', 'workspace')
    .option('--config <file>', 'run config (JSON with comments); default: the embedded default')
    .option('--iterations <n>', 'iterations to reach (overrides the config)', positiveInt)
    .option('--run <name>', 'the run to start or resume', 'default')
    .option('--provider <name>', "execution provider (overrides the config's engine.provider): cpu, webgpu, cuda, dml, coreml")
    .action(async (opts: { workspace: string; config?: string; iterations?: number; run: string; provider?: string }) => {
      const workspace = resolve(opts.workspace);
      const loaded = loadRunConfig(opts.config ? resolve(opts.config) : null);
      const engine = opts.provider ? engineWith(loaded.engine, opts.provider) : loaded.engine;
      const config = { ...loaded, engine, ...(opts.iterations ? { iterations: opts.iterations } : {}) };
      const started = performance.now();
      const controller = new AbortController();
      process.once('SIGINT', () => {
        console.error('\nstopping after the current step (the run resumes with the same command)');
        controller.abort();
      });
      await iterate({
        workspace,
        config,
        stages: iterationStages,
        runName: opts.run,
        signal: controller.signal,
        onStage: (iteration, stage, state) => {
          if (state !== 'done') console.error(`[iteration ${iteration}] ${stage}${state === 'skipped' ? ' (done earlier)' : ''}`);
        },
        onProgress: (iteration, update) => console.error(`[iteration ${iteration}]   ${formatProgress(update)}`),
        onLog: (level, message) => console.error(`[${level}] ${message}`),
      });
      withStore(workspace, (db) => console.log(formatStatus(runStatus(db, opts.run, iterationStages)!)));
      console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
      console.log(openHint(workspace, opts.workspace, opts.run));
    });

  program
    .command('status')
    .description('where a run stands: each iteration, its stage and its metrics')
    .option('--workspace <dir>', 'where the run store lives', 'workspace')
    .option('--run <name>', 'the run', 'default')
    .option('--json', 'print JSON')
    .action((opts: { workspace: string; run: string; json?: boolean }) => {
      withStore(opts.workspace, (db) => {
        const status = runStatus(db, opts.run, iterationStages);
        if (!status) throw new Error(`${storeFile(resolve(opts.workspace))}: no run named '${opts.run}'`);
        console.log(opts.json ? JSON.stringify(status, null, 2) : formatStatus(status));
      });
    });
}
