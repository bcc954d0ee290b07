/**
 * The provider check's child process: trains a tiny model for a few AdamW steps on the provider named in argv and
 * on the CPU, and prints one JSON line saying whether the losses and the weights read back agree (on WebGPU the
 * weights stay on the device between steps, so this also tries the resident path before the app relies on it).
 * It runs in its own process because a provider can fail natively (a C++ abort takes the whole process down, not
 * just a thread); the parent only reads this line, the exit status and stderr.
 */
import { mean } from './composites';
import { Engine } from './engine';
import { matmul, mul, sub, add } from './ops';
import type { CheckChildResult } from './provider-check-result';
import type { HostTensor, ProviderName } from './protocol';
import { Rng } from './rng';
import { Trainer } from './trainer';
import { errorMessage } from '../error-message';


const steps = 3;

/** The losses of a few steps, then the weights read back (on a GPU they stayed on the device, read by a copy program). */
async function train(provider: ProviderName): Promise<{ losses: number[]; w: Float32Array }> {
  const engine = await Engine.start({ provider, intraOpThreads: 1, verified: true });
  try {
    const rng = new Rng(7);
    const trainer = await Trainer.create(engine, {
      params: { w: { shape: [8, 4], init: rng.normal(32, 0.3) }, b: { shape: [4], init: new Float32Array(4) } },
      inputs: { x: { shape: [16, 8], dtype: 'float32' }, y: { shape: [16, 4], dtype: 'float32' } },
      loss: (p, x) => {
        const err = sub(add(matmul(x.x!, p.w!), p.b!), x.y!);
        return mean(mul(err, err), [0, 1]);
      },
    });
    const batch: Record<string, HostTensor> = {
      x: { dtype: 'float32', dims: [16, 8], data: rng.normal(128) },
      y: { dtype: 'float32', dims: [16, 4], data: rng.normal(64) },
    };
    const out: number[] = [];
    for (let i = 0; i < steps; i++) out.push((await trainer.trainStep(batch, 0.05)).loss);
    return { losses: out, w: (await trainer.parameters()).w!.data as Float32Array };
  } finally {
    await engine.close();
  }
}

async function check(provider: ProviderName): Promise<CheckChildResult> {
  let run: { losses: number[]; w: Float32Array };
  try {
    run = await train(provider);
  } catch (err) {
    return { ok: false, detail: errorMessage(err).split('\n')[0]! };
  }
  const cpuRun = await train('cpu');
  const [got, cpu] = [run.losses, cpuRun.losses];
  const worst = Math.max(...got.map((l, i) => Math.abs(l - cpu[i]!) / Math.max(1e-6, Math.abs(cpu[i]!))));
  if (!(worst <= 1e-3)) {
    return { ok: false, detail: `ran, but its losses [${got.join(', ')}] differ from the CPU's [${cpu.join(', ')}]`, losses: got, cpuLosses: cpu };
  }
  const wWorst = Math.max(...run.w.map((x, i) => Math.abs(x - cpuRun.w[i]!)));
  if (!(wWorst <= 1e-4)) {
    return { ok: false, detail: `ran, but the weights read back differ from the CPU's by up to ${wWorst.toExponential(1)}`, losses: got, cpuLosses: cpu };
  }
  return { ok: true, detail: `${steps} AdamW steps ran; losses equal the CPU's (relative difference ${worst.toExponential(1)}), so do the weights read back (${wWorst.toExponential(1)})`, losses: got, cpuLosses: cpu };
}

const result = await check(process.argv[2] as ProviderName);
process.stdout.write(`${JSON.stringify(result)}\n`);
