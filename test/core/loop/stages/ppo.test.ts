import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ppoPrmCheckpoint } from '../../../../core/loop/stages/ppo';
import { insertCheckpoint } from '../../../../core/store/loop-records';
import { openStore } from '../../../../core/store/open-store';
import { createRun } from '../../../../core/store/runs';
import { ppoConfigSchema } from '../../../../core/train/ppo-config';
import { useTempDir } from '../../../support/engine-fixture';

const dir = useTempDir('ppo-stage-test-');

test("the ppo stage loads the run's latest PRM only when dense reward or value init asks, and names the key when there is none", () => {
  const db = openStore(join(dir, 'run.sqlite'));
  const run = createRun(db, { name: 'r', config: {}, seed: 1 });
  expect(ppoPrmCheckpoint(db, run.id, ppoConfigSchema.parse({}))).toBeNull();
  const dense = ppoConfigSchema.parse({ denseReward: true });
  const valueInit = ppoConfigSchema.parse({ critic: 'separate', valueInit: 'prm' });
  expect(() => ppoPrmCheckpoint(db, run.id, dense)).toThrow(/^ppo: ppo\.denseReward needs the run's process reward model[^\n]*$/);
  expect(() => ppoPrmCheckpoint(db, run.id, valueInit)).toThrow("ppo: ppo.valueInit 'prm' needs the run's process reward model");
  insertCheckpoint(db, { runId: run.id, iterationId: null, kind: 'prm', path: join(dir, 'prm-0.safetensors'), parentId: null });
  insertCheckpoint(db, { runId: run.id, iterationId: null, kind: 'prm', path: join(dir, 'prm-1.safetensors'), parentId: null });
  expect(ppoPrmCheckpoint(db, run.id, dense)?.path).toBe(join(dir, 'prm-1.safetensors'));
  expect(ppoPrmCheckpoint(db, run.id, valueInit)?.path).toBe(join(dir, 'prm-1.safetensors'));
  db.close();
});
