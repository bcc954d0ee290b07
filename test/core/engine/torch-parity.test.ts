import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { grad } from '../../../core/engine/autodiff';
import { crossEntropy } from '../../../core/engine/composites';
import { emitProgram } from '../../../core/engine/emit';
import { arange, constant, matmul, param } from '../../../core/engine/ops';
import type { HostTensor } from '../../../core/engine/protocol';
import { Rng } from '../../../core/engine/rng';
import { readSafetensors, writeSafetensors } from '../../../core/engine/safetensors';
import { type TransformerConfigInput, archSpecs, block, kvHeads, rotaryConstants, transformerConfig, transformerParams } from '../../../core/models/transformer';
import { useEngine, useTempDir } from '../../support/engine-fixture';

const python = '/usr/bin/python3';

function torchMissing(): string | null {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'pipe' });
    return null;
  } catch {
    return `${python} cannot import torch (install Debian's python3-torch: scripts/install-system.sh)`;
  }
}

const missing = torchMissing();
if (missing) console.log(`skipping the PyTorch parity test: ${missing}`);

const engine = useEngine();
const dir = useTempDir('engine-torch-');

const variants: Record<string, TransformerConfigInput> = {
  gpt2: { arch: 'gpt2', vocabSize: 40, maxSeqLen: 16, nLayer: 1, nHead: 4, nEmbd: 32 },
  'llama (grouped queries)': { arch: 'llama', vocabSize: 40, maxSeqLen: 16, nLayer: 1, nHead: 4, nKvHead: 2, nEmbd: 32 },
};

for (const [variant, config] of Object.entries(variants)) {
  test.skipIf(missing !== null)(`${variant}: the product's transformer block with an LM loss matches PyTorch: loss and every gradient within 1e-4`, async () => {
    const cfg = transformerConfig(config);
    const [B, T, C, V] = [2, 7, cfg.nEmbd, cfg.vocabSize];
    const rng = new Rng(9);
    // The block's own parameters ('h.0.' or 'layers.0.'), with non-trivial norms and biases, so their gradients are
    // tested in general position.
    const prefix = `${archSpecs[cfg.arch].block(0).norm1.split('.').slice(0, 2).join('.')}.`;
    const values: Record<string, HostTensor> = {};
    for (const [name, s] of Object.entries(transformerParams(cfg, ['lm'], 3))) {
      if (!name.startsWith(prefix)) continue;
      const data = s.shape.length === 1 ? rng.normal(s.shape[0]!, 0.3).map((x) => x + (name.endsWith('weight') ? 1 : 0)) : rng.normal(s.init.length, 0.15);
      values[name.slice(prefix.length)] = { dtype: 'float32', dims: s.shape, data };
    }
    values.x = { dtype: 'float32', dims: [B, T, C], data: rng.normal(B * T * C) };
    values.head = { dtype: 'float32', dims: [C, V], data: rng.normal(C * V, 0.2) };
    const targets = BigInt64Array.from({ length: B * T }, () => BigInt(rng.int(V)));

    const leaves = Object.fromEntries(Object.entries(values).map(([n, t]) => [n, param(n, t.dims)]));
    const p = Object.fromEntries(Object.entries(leaves).map(([n, t]) => [prefix + n, t]));
    const pos = arange(leaves.x!, 1); // (T)
    const at = archSpecs[cfg.arch].positionEmbed ? { pos } : { pos, ...rotaryConstants(cfg) };
    const y = block(cfg, p, 0, leaves.x!, at).x;
    const loss = crossEntropy(matmul(y, leaves.head!), constant(targets, [B, T], 'int64'));
    const names = Object.keys(leaves);
    const grads = grad(loss, names.map((n) => leaves[n]!));
    const program = emitProgram({ loss, ...Object.fromEntries(names.map((n, i) => [`grad.${n}`, grads[i]!])) });
    const ours = await engine.run(program, { feeds: values, fetch: ['loss', ...names.map((n) => `grad.${n}`)] });

    const input = join(dir, 'in.safetensors');
    const output = join(dir, 'out.safetensors');
    writeSafetensors(input, { ...values, targets: { dtype: 'int64', dims: [B, T], data: targets } }, {
      arch: cfg.arch,
      n_head: String(cfg.nHead),
      n_kv_head: String(kvHeads(cfg)),
      eps: String(cfg.normEps),
      rope_theta: String(cfg.ropeTheta),
    });
    execFileSync(python, [join(import.meta.dirname, 'torch_block.py'), input, output], { stdio: 'pipe' });
    const ref = readSafetensors(output).tensors;

    const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
      let num = 0;
      let den = 0;
      for (let i = 0; i < b.length; i++) {
        num += (a[i]! - b[i]!) ** 2;
        den += b[i]! ** 2;
      }
      return Math.sqrt(num / Math.max(den, 1e-30));
    };
    const errors: Record<string, number> = { loss: relErr(ours.loss!.data as Float32Array, ref.loss!.data as Float64Array) };
    for (const n of names) errors[n] = relErr(ours[`grad.${n}`]!.data as Float32Array, ref[`grad.${n}`]!.data as Float64Array);
    console.log(`${variant} block parity vs PyTorch, worst relative error ${Math.max(...Object.values(errors)).toExponential(2)}`);
    for (const [name, err] of Object.entries(errors)) expect(err, name).toBeLessThan(1e-4);
  });
}
