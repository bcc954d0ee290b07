import type { Engine } from '../engine/engine';
import type { SandboxRunner } from '../sandbox/runner';
import type { Db } from '../store/open-store';
import type { IterationRow, RunRow } from '../store/runs';
import type { ProgressUpdate } from './progress';
import type { RunConfig } from './run-config';

export interface StageContext {
  db: Db;
  run: RunRow;
  iteration: IterationRow;
  /** The workspace folder of this run: checkpoints and artifacts live below it. */
  runDir: string;
  sandbox: SandboxRunner;
  /** The training engine, started on first use (stages that only execute never start it). */
  engine: () => Promise<Engine>;
  progress: (update: ProgressUpdate) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  signal: AbortSignal;
}

/**
 * What a stage hands back: `write` puts its results in the store and runs inside the same transaction as the
 * record that the stage finished, so a crash leaves both or neither. Everything slow happens before.
 */
export interface StageOutcome {
  write: () => void;
  /** A small summary kept with the stage record (counts, timings) and shown by `status`. */
  output: Record<string, unknown>;
}

export interface Stage {
  name: string;
  /** Whether this stage runs in this iteration of this run (iteration 0's tokenizer and SFT run once). */
  runsIn?: (iterationIndex: number, config: RunConfig) => boolean;
  run(ctx: StageContext, config: RunConfig): Promise<StageOutcome>;
}
