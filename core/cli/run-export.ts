import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exportLabels, importLabels } from '../loop/labels-io';
import { storeFile } from '../loop/pipeline';
import { exportRun } from '../loop/run-export';
import { findRun } from '../store/runs';
import { withStore } from './with-store';

/** `export` and `labels export|import`: a run's results and a person's labels, out of and into the store. */
export function registerRunExport(program: Command): void {
  program
    .command('export')
    .description("a run's reranker pairs (TRL's prompt/chosen/rejected JSONL), candidates with verdicts, and the reranker as ONNX")
    .requiredOption('--out <dir>', 'folder to write pairs.jsonl, candidates.jsonl and reranker.onnx into')
    .option('--workspace <dir>', 'where the run store lives', 'workspace')
    .option('--run <name>', 'the run', 'default')
    .action((opts: { out: string; workspace: string; run: string }) => {
      const summary = withStore(opts.workspace, (db) => {
        const run = findRun(db, opts.run);
        if (!run) throw new Error(`${storeFile(resolve(opts.workspace))}: no run named '${opts.run}'`);
        return exportRun(db, run, resolve(opts.out));
      });
      console.log(`${summary.pairs} pairs, ${summary.candidates} candidates${summary.reranker ? `, reranker ${summary.reranker}` : ' (no reranker trained yet)'}`);
    });

  const labels = program.command('labels').description("a person's labels as JSONL, to share or to carry into another store");
  labels
    .command('export')
    .requiredOption('--out <file>', 'JSONL file to write')
    .option('--workspace <dir>', 'where the run store lives', 'workspace')
    .action((opts: { out: string; workspace: string }) => {
      const count = withStore(opts.workspace, (db) => exportLabels(db, resolve(opts.out)));
      console.log(`${count} labels written to ${opts.out}`);
    });
  labels
    .command('import')
    .requiredOption('--in <file>', 'JSONL file to read (all of it is checked before anything is written)')
    .option('--workspace <dir>', 'where the run store lives', 'workspace')
    .action((opts: { in: string; workspace: string }) => {
      const count = withStore(opts.workspace, (db) => importLabels(db, resolve(opts.in)));
      console.log(`${count} labels added`);
    });
}
