import { expect, test } from 'vitest';
import { emitProgram } from '../../../core/engine/emit';
import { Engine } from '../../../core/engine/engine';
import { add, input } from '../../../core/engine/ops';
import { checkProvider, listExecutionProviders } from '../../../core/engine/providers';

test('cpu is the default and runs', async () => {
  const engine = await Engine.start();
  expect(engine.provider).toBe('cpu');
  const x = input('x', [2]);
  const out = await engine.run(emitProgram({ y: add(x, 1) }), { feeds: { x: { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) } }, fetch: ['y'] });
  expect([...(out.y!.data as Float32Array)]).toEqual([2, 3]);
  await engine.close();
});

test('a provider for another platform fails naming where it exists', async () => {
  if (process.platform !== 'win32') {
    await expect(Engine.start({ provider: 'dml' })).rejects.toThrow(/^execution provider 'dml' is not available on linux\/x64: DirectML ships with onnxruntime-node on Windows only/);
  }
  if (process.platform !== 'darwin') {
    await expect(Engine.start({ provider: 'coreml' })).rejects.toThrow(/CoreML ships with onnxruntime-node on macOS only/);
  }
});

test('cuda without its libraries fails naming the install step, never falling back to cpu', async () => {
  const cuda = listExecutionProviders().find((p) => p.name === 'cuda');
  if (cuda?.status === 'missing') {
    expect(() => checkProvider('cuda')).toThrow(/execution provider 'cuda' is not installed: run `ONNXRUNTIME_NODE_INSTALL=cuda12/);
    return;
  }
  // Installed: it runs where a GPU exists, or fails at session creation naming what it needs.
  const engine = await Engine.start({ provider: 'cuda' });
  const x = input('x', [2]);
  const program = emitProgram({ y: add(x, 1) });
  try {
    await engine.load(program);
  } catch (err) {
    expect((err as Error).message).toMatch(/execution provider 'cuda' could not start \(it needs an NVIDIA GPU/);
  } finally {
    await engine.close();
  }
});

test('webgpu runs where an adapter exists, else fails naming the driver it needs', async () => {
  const engine = await Engine.start({ provider: 'webgpu' });
  const x = input('x', [2]);
  try {
    const out = await engine.run(emitProgram({ y: add(x, 1) }), { feeds: { x: { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) } }, fetch: ['y'] });
    expect([...(out.y!.data as Float32Array)]).toEqual([2, 3]);
  } catch (err) {
    console.log(`webgpu here: ${(err as Error).message.split('\n')[0]}`);
    expect((err as Error).message).toMatch(/^execution provider 'webgpu' could not start \(it needs a GPU with a WebGPU-capable driver/);
  } finally {
    await engine.close();
  }
});
