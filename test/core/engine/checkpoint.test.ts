import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../../core/engine/checkpoint';
import { Rng } from '../../../core/engine/rng';
import { readSafetensors, writeSafetensors } from '../../../core/engine/safetensors';
import { Trainer } from '../../../core/engine/trainer';
import { countingRows, f32, lmBatch, lmSpec, tinyLM } from './lm-fixture';
import { useEngine, useTempDir } from '../../support/engine-fixture';

const engine = useEngine();
const dir = useTempDir('engine-ckpt-');

const spec = lmSpec(5);

async function steps(trainer: Trainer, rng: Rng, n: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < n; i++) {
    // Micro-batches of random lengths: the data, not just the math, comes from the saved generator.
    const len = 6 + rng.int(6);
    const batch = [lmBatch(countingRows(rng, 2, len, tinyLM.vocabSize)), lmBatch(countingRows(rng, 2, len, tinyLM.vocabSize))];
    losses.push((await trainer.trainStep(i % 2 ? batch : batch[0]!, 3e-3)).loss);
  }
  return losses;
}

test('a resumed run reproduces the same losses bit for bit', async () => {
  const file = join(dir, 'run.safetensors');
  const a = await Trainer.create(engine, spec);
  const rngA = new Rng(42);
  await steps(a, rngA, 3);
  await saveCheckpoint(file, a, rngA);
  const rest = await steps(a, rngA, 4);

  const b = await Trainer.create(engine, spec);
  const loaded = await loadCheckpoint(file, b);
  expect(b.stepCount).toBe(3);
  const resumed = await steps(b, new Rng(loaded.rngState!), 4);
  expect(resumed).toEqual(rest);
  const pa = await a.parameters();
  const pb = await b.parameters();
  expect(pb['h.1.mlp.c_fc.weight']!.data).toEqual(pa['h.1.mlp.c_fc.weight']!.data);
});

describe('bad safetensors files fail in one line naming the file and the problem', () => {
  const good = (): string => {
    const file = join(dir, 'good.safetensors');
    writeSafetensors(file, { w: f32([1, 2, 3, 4], [2, 2]) }, { note: 'x' });
    return file;
  };
  const expectError = (file: string, pattern: RegExp): void => {
    let message = '';
    try {
      readSafetensors(file);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(pattern);
    expect(message.startsWith(file)).toBe(true);
    expect(message).not.toContain('\n');
  };

  test('round trip', () => {
    const { tensors, metadata } = readSafetensors(good());
    expect([...(tensors.w!.data as Float32Array)]).toEqual([1, 2, 3, 4]);
    expect(metadata).toEqual({ note: 'x' });
  });
  test('truncated data', () => {
    const bytes = readFileSync(good());
    const file = join(dir, 'cut.safetensors');
    writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    expectError(file, /truncated: tensor 'w' ends at byte 16/);
  });
  test('truncated header', () => {
    const file = join(dir, 'head.safetensors');
    writeFileSync(file, readFileSync(good()).subarray(0, 20));
    expectError(file, /truncated: the header claims \d+ bytes/);
  });
  test('corrupt header', () => {
    const bytes = Buffer.from(readFileSync(good()));
    bytes[9] = 0x7b; // '{{' is not JSON
    const file = join(dir, 'json.safetensors');
    writeFileSync(file, bytes);
    expectError(file, /the header is not valid JSON/);
  });
  test('missing file', () => {
    expectError(join(dir, 'nope.safetensors'), /can't be read \(ENOENT\)/);
  });
  test('a checkpoint with a missing tensor names it', async () => {
    const file = join(dir, 'partial.safetensors');
    writeSafetensors(file, { wte: f32([0], [1]) }, { format: 'rewardranker-engine-checkpoint/1', step: '1' });
    const t = await Trainer.create(engine, spec);
    await expect(loadCheckpoint(file, t)).rejects.toThrow(`${file}: tensor 'wte' is float32[1], expected float32[48,32]`);
  });
});
