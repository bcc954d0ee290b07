import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { appVersion } from '../host/app-version';
import { registerBench } from './bench';
import { registerConfig } from './config-command';
import { registerData } from './data-default-set';
import { registerEngine } from './engine-command';
import { registerExec } from './exec';
import { registerScore } from './score';
import { registerLoop } from './iterate';
import { registerRunExport } from './run-export';
import { serve } from './serve';
import { errorMessage } from '../error-message';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`'${value}' is not a port number (0-65535)`);
  }
  return port;
}

const program = new Command()
  .name('rewardranker')
  .description('RewardRanker Studio: train and inspect code rerankers')
  .version(appVersion())
  .showHelpAfterError();

program
  .command('serve')
  .description('serve the app in a browser: UI and API on 127.0.0.1, guarded by a token in the printed URL')
  .option('--workspace <dir>', 'where runs, checkpoints and the run store live', 'workspace')
  .option('--port <n>', 'port on 127.0.0.1 (default: 8571 or the next free one; 0 picks any)', parsePort)
  .action(async (opts: { workspace: string; port?: number }) => {
    await serve({ workspace: resolve(opts.workspace), port: opts.port ?? null });
  });

registerBench(program);
registerExec(program);
registerEngine(program);
registerScore(program);
registerData(program);
registerLoop(program);
registerConfig(program);
registerRunExport(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`rewardranker: ${errorMessage(err)}`);
  process.exit(1);
});
