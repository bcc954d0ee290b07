// Runs the loop's execution stages over a candidates file; with RR_KILL_AT=<stage> it SIGKILLs itself halfway
// through that stage, as a crash or `kill -9` would.
import { iterate } from '../../../core/loop/pipeline';
import { runConfigSchema } from '../../../core/loop/run-config';
import { executeStage } from '../../../core/loop/stages/execute';
import { importCandidatesStage } from '../../../core/loop/stages/import-candidates';
import { mineStage } from '../../../core/loop/stages/mine';

const [workspace, candidatesFile] = process.argv.slice(2);
const killAt = process.env.RR_KILL_AT;
await iterate({
  workspace: workspace!,
  config: runConfigSchema.parse({ iterations: 2, generate: { candidatesFile }, execute: { timeoutS: 1 } }),
  stages: [importCandidatesStage, executeStage, mineStage],
  onProgress: (_iteration, update) => {
    if (update.stage === killAt && update.done >= update.total / 2) process.kill(process.pid, 'SIGKILL');
  },
});
console.log('finished');
