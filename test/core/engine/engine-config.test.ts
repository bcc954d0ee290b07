import { expect, test } from 'vitest';
import { engineWith, startEngine } from '../../../core/engine/engine-config';
import { runConfigSchema } from '../../../core/loop/run-config';

test('a run config carries engine.provider and threads, cpu and 2 by default, and refuses unknown providers', () => {
  expect(runConfigSchema.parse({}).engine).toEqual({ provider: 'cpu', threads: 2 });
  expect(runConfigSchema.parse({ engine: { provider: 'webgpu' } }).engine).toEqual({ provider: 'webgpu', threads: 2 });
  expect(() => runConfigSchema.parse({ engine: { provider: 'tpu' } })).toThrow();
  expect(() => runConfigSchema.parse({ engine: { device: 0 } })).toThrow();
  expect(engineWith({ provider: 'cpu', threads: 4 }, 'webgpu')).toEqual({ provider: 'webgpu', threads: 4 });
  expect(() => engineWith({ provider: 'cpu', threads: 4 }, 'tpu')).toThrow("--provider: 'tpu' is not one of cpu, webgpu, cuda, dml, coreml");
});

test('startEngine starts the configured provider, and one that fails its check fails the start (no cpu fall-back)', async () => {
  const engine = await startEngine({ provider: 'cpu', threads: 1 });
  expect(engine.provider).toBe('cpu');
  await engine.close();
  if (process.platform !== 'win32') await expect(startEngine({ provider: 'dml', threads: 1 })).rejects.toThrow(/^execution provider 'dml' is not available/);
});
