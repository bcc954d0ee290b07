import { expect, test } from 'vitest';
import { emitProgram } from '../../../core/engine/emit';
import { Engine } from '../../../core/engine/engine';
import { add, input } from '../../../core/engine/ops';
import type { ProviderName } from '../../../core/engine/protocol';
import { verifyProvider } from '../../../core/engine/provider-check';
import { checkProvider, listExecutionProviders } from '../../../core/engine/providers';
import { outputPlacement, placementKey, putLocation, sessionOptions } from '../../../core/engine/session-options';

const providers: ProviderName[] = ['cpu', 'cuda', 'webgpu', 'dml', 'coreml'];

test('every provider returns outputs in CPU memory unless a run keeps them (reading device buffers aborts natively)', () => {
  for (const p of providers) {
    const o = sessionOptions(p, 3);
    expect(o).toEqual({
      executionProviders: [p],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 3,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      preferredOutputLocation: 'cpu',
    });
  }
});

test('only webgpu keeps outputs on the device: those kept and never fetched, every other output on the cpu', () => {
  const outputs = ['loss', 'new.p.w', 'new.m.w', 'present.0.k'];
  for (const p of providers.filter((x) => x !== 'webgpu')) {
    expect(outputPlacement(p, outputs, ['new.p.w', 'new.m.w'], ['loss'])).toBe('cpu');
  }
  const placement = outputPlacement('webgpu', outputs, ['new.p.w', 'new.m.w', 'present.0.k'], ['loss', 'present.0.k']);
  expect(placement).toEqual({ loss: 'cpu', 'new.p.w': 'gpu-buffer', 'new.m.w': 'gpu-buffer', 'present.0.k': 'cpu' });
  expect(sessionOptions('webgpu', 1, placement).preferredOutputLocation).toEqual(placement);
  // Nothing kept (or everything kept also fetched): the plain all-CPU session, shared with fetch-only runs.
  expect(outputPlacement('webgpu', outputs, [], ['loss'])).toBe('cpu');
  expect(outputPlacement('webgpu', outputs, ['loss'], ['loss'])).toBe('cpu');
  // keepOnDevice off: today's CPU placement on webgpu too.
  expect(outputPlacement('webgpu', outputs, ['new.p.w'], [], false)).toBe('cpu');
  expect(placementKey('cpu')).toBe('');
  expect(placementKey(placement)).toBe('|device:["new.m.w","new.p.w"]');
  expect(placementKey(outputPlacement('webgpu', outputs, ['new.m.w', 'new.p.w'], []))).toBe(placementKey(placement));
});

test('tensors put from the host go to the device on webgpu only, and only non-empty float32 ones', () => {
  for (const p of providers) expect(putLocation(p, 'float32', 12)).toBe(p === 'webgpu' ? 'gpu-buffer' : 'cpu');
  expect(putLocation('webgpu', 'int64', 12)).toBe('cpu');
  expect(putLocation('webgpu', 'bool', 12)).toBe('cpu');
  expect(putLocation('webgpu', 'float32', 0)).toBe('cpu');
  expect(putLocation('webgpu', 'float32', 12, false)).toBe('cpu');
});

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
  // Installed: it passes its check where a GPU exists, or fails it naming what it needs.
  try {
    const engine = await Engine.start({ provider: 'cuda' });
    await engine.close();
  } catch (err) {
    expect((err as Error).message).toMatch(/execution provider 'cuda' failed its check \(it needs an NVIDIA GPU/);
  }
});

test('the cpu passes the child-process check: a few AdamW steps whose losses equal themselves', async () => {
  const check = await verifyProvider('cpu');
  expect(check).toMatchObject({ provider: 'cpu', ok: true });
  expect(check.detail).toMatch(/^3 AdamW steps ran; losses equal the CPU's/);
});

test('webgpu passes its check where an adapter exists, else fails it with the runtime message, and this process lives on', async () => {
  const check = await verifyProvider('webgpu');
  if (check.ok) {
    expect(check.detail).toMatch(/losses equal the CPU's/);
    const engine = await Engine.start({ provider: 'webgpu' });
    const out = await engine.run(emitProgram({ y: add(input('x', [2]), 1) }), { feeds: { x: { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) } }, fetch: ['y'] });
    expect([...(out.y!.data as Float32Array)]).toEqual([2, 3]);
    await engine.close();
    return;
  }
  console.log(`webgpu here: ${check.detail}`);
  expect(check.detail).toMatch(/could not start \(it needs a GPU with a WebGPU-capable driver.*\).*No supported adapters|killed by|exited with code/);
  await expect(Engine.start({ provider: 'webgpu' })).rejects.toThrow(/^execution provider 'webgpu' failed its check \(it needs a GPU with a WebGPU-capable driver/);
  // The failure happened in the child: this process still computes.
  const engine = await Engine.start();
  await engine.load(emitProgram({ y: add(input('x', [2]), 2) }));
  await engine.close();
});

test('a check child that aborts natively fails the check with its message; the parent keeps running', async () => {
  const check = await verifyProvider('webgpu', { entry: new URL('./fixtures/abort-child.mjs', import.meta.url) });
  expect(check.ok).toBe(false);
  expect(check.detail).toMatch(/^the check process was killed by SIGABRT: terminate called after throwing an instance of 'char const\*'/);
});

test('a check child that hangs is killed at the timeout', async () => {
  const check = await verifyProvider('webgpu', { entry: new URL('./fixtures/hang-child.mjs', import.meta.url), timeoutMs: 500 });
  expect(check).toMatchObject({ ok: false, detail: 'the check did not finish in 1 s (killed)' });
});
