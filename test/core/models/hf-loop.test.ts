import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../core/engine/safetensors';
import { exportRun } from '../../../core/loop/run-export';
import { findRun } from '../../../core/store/runs';
import { bundleEntry } from '../../support/bundle-entry';
import { hfFixture } from './hf-fixture';
import { readRunStore, runLoopChild, stageOutputs } from '../../support/loop-child';

/** Metrics, scores and stage outputs: what must come out the same whether or not the run was killed. */
function results(workspace: string): { metrics: Array<{ metrics_json: string | null }>; stages: Array<{ stage: string; output_json: string }> } {
  return readRunStore(workspace, (db) => ({
    metrics: db.prepare('SELECT idx, status, metrics_json FROM iterations ORDER BY idx').all() as Array<{ metrics_json: string | null }>,
    stages: stageOutputs(db),
  }));
}

describe('the loop from a Hugging Face checkpoint', () => {
  let child: string;
  let config: string;
  let base: string;
  let settings: Record<string, unknown>;

  beforeAll(async () => {
    child = await bundleEntry('test/core/loop/iterate-child.ts');
    base = hfFixture('qwen2').dir;
    settings = {
      iterations: 1,
      problems: { path: join(import.meta.dirname, 'fixtures', 'mbpp-few.jsonl'), heldoutFraction: 0.34 },
      model: { generator: base, train: 'lora', lora: { rank: 8, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] } },
      sft: { steps: 40, batchSize: 4, lr: 3e-2, minLr: 3e-3, warmupSteps: 0, maxLength: 512, checkpointEvery: 10 },
      sampling: { n: 6, temperature: 1, maxNewTokens: 48, stop: ['\ndef ', '\nassert', '\nprint'] },
      generate: { trainProblems: 6 },
      execute: { timeoutS: 5, probeWeakTests: false },
      reward: { steps: 4, batchPairs: 4, maxLength: 512 },
      ppo: { updates: 0 },
    };
    config = JSON.stringify(settings);
  });

  const run = (workspace: string, killAt?: string) => runLoopChild(child, workspace, config, { killAt, timeoutMs: 300_000 });

  it('runs SFT (LoRA), generate, execute, score, mine, train-reranker (LoRA), evaluate on MBPP problems, resumes after kill -9, exports PEFT adapters', () => {
    const straight = mkdtempSync(join(tmpdir(), 'rr-hf-loop-a-'));
    const clean = run(straight);
    expect(clean.stdout, clean.stderr).toContain('finished');
    const expected = results(straight);
    expect(expected.stages.map((s) => s.stage).sort()).toEqual(['evaluate', 'execute', 'generate', 'mine', 'score', 'sft', 'tokenizer', 'train-reranker']);
    expect(expected.metrics[0]!.metrics_json).not.toBeNull();

    // The run's checkpoints are adapters on the base, named by path and hash; export writes them in PEFT's format.
    const runDir = join(straight, 'runs', 'default');
    const generator = JSON.parse(readFileSync(join(runDir, 'generator.json'), 'utf8')) as { base?: { path: string; sha256: string } };
    expect(generator.base?.path).toBe(base);
    expect(generator.base?.sha256).toMatch(/^[0-9a-f]{64}$/);
    readRunStore(straight, (db) => {
      const summary = exportRun(db, findRun(db, 'default')!, join(straight, 'export'));
      expect(summary.reranker).not.toBeNull();
      expect(summary.adapters.map((d) => d.slice(straight.length))).toEqual(['/export/generator-adapters', '/export/reranker-adapters']);
      for (const d of summary.adapters) for (const f of ['adapter_config.json', 'adapter_model.safetensors']) expect(existsSync(join(d, f))).toBe(true);
    });

    // Killed halfway through SFT, then started again: the same metrics and stage outputs.
    const crashed = mkdtempSync(join(tmpdir(), 'rr-hf-loop-b-'));
    const killed = run(crashed, '0:sft');
    expect(killed.signal).toBe('SIGKILL');
    const resumed = run(crashed);
    expect(resumed.stdout, resumed.stderr).toContain('finished');
    expect(results(crashed)).toEqual(expected);
  }, 600_000);

  it('runs PPO (LoRA on the SFT generator, critic from the LoRA PRM, dense reward), the next iteration samples from its policy, resumes after kill -9 in PPO', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'rr-hf-loop-ppo-'));
    const rl = JSON.stringify({
      ...settings,
      iterations: 2,
      prm: { enabled: true, k: 2, maxCandidates: 4, heldoutCandidates: 2, chunkCandidates: 4, executionBudget: 80, trainOn: 'all', steps: 4, batchSize: 4, maxLength: 512 },
      ppo: { updates: 2, promptsPerUpdate: 2, samplesPerPrompt: 2, maxNewTokens: 24, epochs: 1, miniBatches: 1, critic: 'separate', valueInit: 'prm', denseReward: true },
    });
    const done = runLoopChild(child, workspace, rl, { timeoutMs: 300_000 });
    expect(done.stdout, done.stderr).toContain('finished');
    const { stages, generators } = readRunStore(workspace, (db) => ({
      stages: stageOutputs(db),
      generators: db.prepare("SELECT c.path, i.idx FROM checkpoints c JOIN iterations i ON i.id = c.iteration_id WHERE c.kind = 'generator' ORDER BY c.id").all() as Array<{ path: string; idx: number }>,
    }));
    expect(stages.filter((s) => s.stage === 'ppo')).toHaveLength(2);
    expect(stages.filter((s) => s.stage === 'train-prm')).toHaveLength(2);
    // The SFT generator, then each iteration's PPO policy: iteration 1's generate loaded the first policy.
    expect(generators.map((g) => g.idx)).toEqual([0, 0, 1]);

    // Policies and the PRM are adapters on the Hugging Face base: a policy stacks the SFT adapters (rank 8) and its
    // own (rank 8); the SFT part is the SFT generator's exactly, the PPO part has moved off zero.
    const runDir = join(workspace, 'runs', 'default');
    const sft = readSafetensors(join(runDir, 'generator.safetensors')).tensors;
    for (const g of generators.slice(1)) {
      const meta = JSON.parse(readFileSync(g.path.replace(/\.safetensors$/, '.json'), 'utf8')) as { base?: { path: string }; heads: string[] };
      expect(meta.base?.path).toBe(base);
      const policy = readSafetensors(g.path).tensors;
      expect(Object.keys(policy).filter((n) => !n.includes('.lora_')).sort()).toEqual([]);
      const name = Object.keys(sft).find((n) => n.endsWith('.lora_B'))!;
      expect(policy[name]!.dims).toEqual([16, sft[name]!.dims[1]]);
      expect(Array.from((policy[name]!.data as Float32Array).subarray(0, sft[name]!.data.length))).toEqual(Array.from(sft[name]!.data as Float32Array));
      expect(Array.from((policy[name]!.data as Float32Array).subarray(sft[name]!.data.length)).some((v) => v !== 0)).toBe(true);
    }
    const prm = JSON.parse(readFileSync(join(runDir, 'iteration-1', 'prm.json'), 'utf8')) as { base?: { path: string } };
    expect(prm.base?.path).toBe(base);
    readRunStore(workspace, (db) => {
      const summary = exportRun(db, findRun(db, 'default')!, join(workspace, 'export'));
      const peft = JSON.parse(readFileSync(join(summary.adapters[0]!, 'adapter_config.json'), 'utf8')) as { r: number };
      expect(peft.r).toBe(16);
    });

    // Killed after the first of the second iteration's PPO rounds (its policy starting from the first policy's
    // adapters), then started again: the same figures and the same policy, bit for bit.
    const crashed = mkdtempSync(join(tmpdir(), 'rr-hf-loop-ppo-b-'));
    const killed = runLoopChild(child, crashed, rl, { killAt: '1:ppo', timeoutMs: 300_000 });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const resumed = runLoopChild(child, crashed, rl, { timeoutMs: 300_000 });
    expect(resumed.stdout, resumed.stderr).toContain('finished');
    expect(results(crashed)).toEqual(results(workspace));
    const last = generators.at(-1)!.path.slice(workspace.length);
    expect(readFileSync(join(crashed, last))).toEqual(readFileSync(join(workspace, last)));
  }, 600_000);
});
