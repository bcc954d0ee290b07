// Runs the whole loop with a config given as JSON; with RR_KILL_AT=<iteration>:<stage> it SIGKILLs itself halfway
// through that stage, as `kill -9` would.
import { iterate } from '../../../core/loop/pipeline';
import { runConfigSchema } from '../../../core/loop/run-config';
import { iterationStages } from '../../../core/loop/stages/index';

const [workspace, configJson] = process.argv.slice(2);
const [killIteration, killStage] = (process.env.RR_KILL_AT ?? ':').split(':');
await iterate({
  workspace: workspace!,
  config: runConfigSchema.parse(JSON.parse(configJson!)),
  stages: iterationStages,
  onProgress: (iteration, update) => {
    if (String(iteration) === killIteration && update.stage === killStage && update.done >= update.total / 2) {
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
console.log('finished');
