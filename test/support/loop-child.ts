import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { storeFile } from '../../core/loop/pipeline';
import { openStore } from '../../core/store/open-store';

type Db = ReturnType<typeof openStore>;

/**
 * Runs a bundled loop child (see bundleEntry) on a workspace in a process of its own; with `killAt`, the child
 * kills itself with SIGKILL at that point (RR_KILL_AT), so a test can resume the run after a crash.
 */
export function runLoopChild(child: string, workspace: string, arg: string, options: { killAt?: string | undefined; timeoutMs: number }): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [child, workspace, arg], {
    encoding: 'utf8',
    env: { ...process.env, ...(options.killAt ? { RR_KILL_AT: options.killAt } : {}) },
    timeout: options.timeoutMs,
  });
}

/** Reads a workspace's run store and closes it again. */
export function readRunStore<T>(workspace: string, read: (db: Db) => T): T {
  const db = openStore(storeFile(workspace));
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Every stage's output with its throughput and durations zeroed: those are the machine's, not the run's. */
export function stageOutputs(db: Db): Array<{ stage: string; output_json: string }> {
  return (db.prepare('SELECT iteration_id, stage, output_json FROM stages ORDER BY iteration_id, stage').all() as Array<{ stage: string; output_json: string }>).map((s) => ({
    ...s,
    output_json: s.output_json.replace(/"(seconds|secondsPerRound|secondsPerStep|tokensPerSecond|pairsPerSecond)":[0-9.e+-]+/g, '"$1":0'),
  }));
}
