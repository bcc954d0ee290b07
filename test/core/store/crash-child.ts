// Opens the store, starts committing a stage that writes many rows, and dies by SIGKILL in the middle of it.
import { openStore } from '../../../core/store/open-store';
import { completeStage, createRun, ensureIteration } from '../../../core/store/runs';

const [file] = process.argv.slice(2);
const db = openStore(file!);
const run = createRun(db, { name: 'crash', config: {}, seed: 1 });
const iteration = ensureIteration(db, run.id, 0);
const problem = db
  .prepare("INSERT INTO problems (run_id, task_id, language, split, prompt, data_json) VALUES (?, 'p', 'python', 'train', '', '{}')")
  .run(run.id).lastInsertRowid;
console.log('ready');
completeStage(db, iteration.id, 'generate', new Date().toISOString(), () => {
  const insert = db.prepare('INSERT INTO candidates (iteration_id, problem_id, sample_idx, code) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 1000; i++) insert.run(iteration.id, problem, i, `def f(): return ${i}`);
  process.kill(process.pid, 'SIGKILL');
});
