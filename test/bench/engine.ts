/**
 * `rewardranker bench engine`: (a) a 1024^3 fp32 MatMul through the engine against the FMA peak, (b) one AdamW
 * training step of the product's transformer (core/models/transformer.ts, GPT-2 layout: vocab 512, d 256, 4 layers,
 * 4 heads, seq 128, batch 8) against the same model in PyTorch on 2 threads, (c) greedy KV-cache decoding tokens/s
 * at batch 1 and 8 through the product's decoding loop (core/models/sampling.ts) against PyTorch. Engine and
 * PyTorch rounds interleave (PyTorch runs in a child process that waits while the engine measures, and the other
 * way round); every figure is a median.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { emitProgram } from '../../core/engine/emit';
import { Engine } from '../../core/engine/engine';
import { input, matmul } from '../../core/engine/ops';
import type { HostTensor } from '../../core/engine/protocol';
import { Rng } from '../../core/engine/rng';
import { Trainer } from '../../core/engine/trainer';
import type { ParamSpec } from '../../core/engine/trainer';
import { modelOfTrainer } from '../../core/models/programs';
import { decodeSteps } from '../../core/models/sampling';
import { type TransformerConfig, lmLoss, lmLossInputs, transformerConfig, transformerParams } from '../../core/models/transformer';

/**
 * fp32 FMA peak of the 2-core machines this project is measured on, from the team's FMA-throughput
 * microbenchmark (independent AVX-512 FMA chains on both cores, GFLOP/s counted as 2 per lane per FMA).
 */
export const FMA_PEAK_GFLOPS = 528;

export interface EngineBench {
  matmul_gflops: number;
  fma_peak_gflops: number;
  matmul_fraction_of_peak: number;
  train_step_ms: number;
  torch_train_step_ms: number | null;
  train_step_ratio: number | null;
  train_step_fraction_of_peak: number;
  decode_tok_s_b1: number;
  decode_tok_s_b8: number;
  torch_decode_tok_s_b1: number | null;
  torch_decode_tok_s_b8: number | null;
  torch_missing_reason: string | null;
  rounds: number;
  config: { model: TransformerConfig; batch: number; seq: number; prompt: number; new_tokens: number; threads: number };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const python = '/usr/bin/python3';

/**
 * The benchmarked model, built in this one place: the product's transformer in GPT-2 layout (the layout the PyTorch
 * side mirrors), its initial weights and its language-model loss.
 */
export function benchModel(): { config: TransformerConfig; params: Record<string, ParamSpec> } {
  const config = transformerConfig({ arch: 'gpt2', vocabSize: 512, maxSeqLen: 256, nLayer: 4, nHead: 4, nEmbd: 256 });
  return { config, params: transformerParams(config, ['lm'], 0) };
}

function torchScript(): string {
  for (const rel of ['./engine_torch.py', '../../test/bench/engine_torch.py']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error('engine_torch.py not found beside the benchmark (test/bench/engine_torch.py)');
}

/** The PyTorch side as a child process answering one command per line. */
class TorchSide {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
  ) {}

  static async start(cfg: TransformerConfig): Promise<TorchSide> {
    const env = { ...process.env };
    // Full-speed OpenBLAS (libopenblas0-openmp) picks its kernels itself; the sandbox's overrides slow it down.
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const args = [torchScript(), ...[cfg.vocabSize, cfg.maxSeqLen, cfg.nLayer, cfg.nHead, cfg.nEmbd].map(String)];
    const child = spawn(python, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error(`PyTorch side exited: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    return new TorchSide(child, lines);
  }

  async ask(command: string): Promise<number[]> {
    this.child.stdin.write(`${command}\n`);
    const r = await this.lines.next();
    if (r.done) throw new Error(`PyTorch side exited during '${command}'`);
    return JSON.parse(r.value) as number[];
  }

  close(): void {
    this.child.stdin.end();
  }
}

export function torchMissingReason(): string | null {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'pipe' });
    return null;
  } catch {
    return `${python} cannot import torch: install Debian's python3-torch (scripts/install-system.sh)`;
  }
}

const i64 = (values: ArrayLike<number>, dims: number[]): HostTensor => ({
  dtype: 'int64',
  dims,
  data: BigInt64Array.from(Array.from(values), BigInt),
});

function randomBatch(rng: Rng, cfg: TransformerConfig, B: number, T: number): Record<string, HostTensor> {
  const tokens = Array.from({ length: B * (T + 1) }, () => rng.int(cfg.vocabSize));
  const idx: number[] = [];
  const targets: number[] = [];
  for (let b = 0; b < B; b++) {
    idx.push(...tokens.slice(b * (T + 1), b * (T + 1) + T));
    targets.push(...tokens.slice(b * (T + 1) + 1, (b + 1) * (T + 1)));
  }
  return { idx: i64(idx, [B, T]), targets: i64(targets, [B, T]), mask: { dtype: 'float32', dims: [B, T], data: new Float32Array(B * T).fill(1) } };
}

/** FLOPs of one training step: 6 per parameter-token for the matmuls plus attention's 12·L·T·d per token. */
function trainFlops(cfg: TransformerConfig, B: number, T: number): number {
  const C = cfg.nEmbd;
  const matmulParams = cfg.nLayer * 12 * C * C + cfg.vocabSize * C;
  return 6 * B * T * matmulParams + 12 * cfg.nLayer * B * T * T * C;
}

export async function benchEngine(options: { rounds?: number; log?: (line: string) => void } = {}): Promise<EngineBench> {
  const rounds = options.rounds ?? 7;
  const log = options.log ?? (() => undefined);
  const { config: cfg, params } = benchModel();
  const [B, T, prompt, newTokens, threads] = [8, 128, 16, 64, 2];
  const engine = await Engine.start({ intraOpThreads: threads });
  const missing = torchMissingReason();
  const torch = missing ? null : await TorchSide.start(cfg);
  try {
    // (a) MatMul: operands resident in the worker, the product kept there too, so only the compute is timed.
    const n = 1024;
    const rng = new Rng(1);
    const mm = emitProgram({ c: matmul(input('a', [n, n]), input('b', [n, n])) }, { name: 'matmul' });
    await engine.put({ 'bench/a': { dtype: 'float32', dims: [n, n], data: rng.normal(n * n) }, 'bench/b': { dtype: 'float32', dims: [n, n], data: rng.normal(n * n) } });
    const mmRun = () => engine.run(mm, { feeds: { a: { resident: 'bench/a' }, b: { resident: 'bench/b' } }, keep: { c: 'bench/c' } });
    for (let i = 0; i < 3; i++) await mmRun();
    const mmTimes: number[] = [];
    for (let i = 0; i < 5 * rounds; i++) {
      const t0 = performance.now();
      await mmRun();
      mmTimes.push(performance.now() - t0);
    }
    await engine.drop(['bench/a', 'bench/b', 'bench/c']);
    const matmulGflops = (2 * n ** 3) / (median(mmTimes) * 1e6);
    log(`matmul 1024^3: ${median(mmTimes).toFixed(2)} ms, ${matmulGflops.toFixed(0)} GFLOP/s`);

    // (b) one AdamW step of the transformer, interleaved with PyTorch's.
    const trainer = await Trainer.create(engine, { params, inputs: lmLossInputs, loss: (p, x) => lmLoss(cfg, p, x) });
    const data = new Rng(2);
    for (let i = 0; i < 2; i++) await trainer.trainStep(randomBatch(data, cfg, B, T), 3e-4);
    await torch?.ask(`train ${B} ${T} 2`);
    const stepTimes: number[] = [];
    const torchStepTimes: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const batch = randomBatch(data, cfg, B, T);
      const t0 = performance.now();
      await trainer.trainStep(batch, 3e-4);
      stepTimes.push(performance.now() - t0);
      if (torch) torchStepTimes.push(...(await torch.ask(`train ${B} ${T} 1`)));
    }
    const trainMs = median(stepTimes);
    const torchTrainMs = torch ? median(torchStepTimes) : null;
    log(`train step: ${trainMs.toFixed(1)} ms${torchTrainMs ? `, PyTorch ${torchTrainMs.toFixed(1)} ms` : ''}`);

    // (c) greedy decoding with the KV cache, through the loop the product samples with.
    const shapes = Object.fromEntries(Object.entries(params).map(([k, s]) => [k, s.shape]));
    const model = modelOfTrainer(trainer, cfg, ['lm'], shapes);
    const V = cfg.vocabSize;
    const greedy = (logits: Float32Array): number[] =>
      Array.from({ length: logits.length / V }, (_, b) => {
        let best = 0;
        for (let v = 1; v < V; v++) if (logits[b * V + v]! > logits[b * V + best]!) best = v;
        return best;
      });
    const decodeRate = async (batch: number): Promise<number> => {
      const prompts = Array.from({ length: batch }, () => Array.from({ length: prompt }, () => data.int(cfg.vocabSize)));
      const t0 = performance.now();
      await decodeSteps(engine, model, prompts, 0, newTokens, greedy);
      return (batch * newTokens) / ((performance.now() - t0) / 1000);
    };
    const rates: Record<number, number[]> = { 1: [], 8: [] };
    const torchRates: Record<number, number[]> = { 1: [], 8: [] };
    for (const batch of [1, 8]) {
      await decodeRate(batch);
      await torch?.ask(`decode ${batch} ${prompt} ${newTokens} 1`);
      for (let r = 0; r < rounds; r++) {
        rates[batch]!.push(await decodeRate(batch));
        if (torch) torchRates[batch]!.push(...(await torch.ask(`decode ${batch} ${prompt} ${newTokens} 1`)));
      }
      log(`decode batch ${batch}: ${median(rates[batch]!).toFixed(0)} tok/s${torch ? `, PyTorch ${median(torchRates[batch]!).toFixed(0)} tok/s` : ''}`);
    }

    const round = (x: number, d = 1): number => Number(x.toFixed(d));
    return {
      matmul_gflops: round(matmulGflops),
      fma_peak_gflops: FMA_PEAK_GFLOPS,
      matmul_fraction_of_peak: round(matmulGflops / FMA_PEAK_GFLOPS, 3),
      train_step_ms: round(trainMs),
      torch_train_step_ms: torchTrainMs === null ? null : round(torchTrainMs),
      train_step_ratio: torchTrainMs === null ? null : round(trainMs / torchTrainMs, 3),
      train_step_fraction_of_peak: round(trainFlops(cfg, B, T) / (trainMs * 1e6) / FMA_PEAK_GFLOPS, 3),
      decode_tok_s_b1: round(median(rates[1]!)),
      decode_tok_s_b8: round(median(rates[8]!)),
      torch_decode_tok_s_b1: torch ? round(median(torchRates[1]!)) : null,
      torch_decode_tok_s_b8: torch ? round(median(torchRates[8]!)) : null,
      torch_missing_reason: missing,
      rounds,
      config: { model: cfg, batch: B, seq: T, prompt, new_tokens: newTokens, threads },
    };
  } finally {
    torch?.close();
    await engine.close();
  }
}
