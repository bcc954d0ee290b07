import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

  beforeAll(async () => {
    child = await bundleEntry('test/core/loop/iterate-child.ts');
    base = hfFixture('qwen2').dir;
    config = JSON.stringify({
      iterations: 1,
      problems: { path: join(import.meta.dirname, 'fixtures', 'mbpp-few.jsonl'), heldoutFraction: 0.34 },
      model: { generator: base, train: 'lora', lora: { rank: 8, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] } },
      sft: { steps: 40, batchSize: 4, lr: 3e-2, minLr: 3e-3, warmupSteps: 0, maxLength: 512, checkpointEvery: 10 },
      sampling: { n: 6, temperature: 1, maxNewTokens: 48, stop: ['\ndef ', '\nassert', '\nprint'] },
      generate: { trainProblems: 6 },
      execute: { timeoutS: 5, probeWeakTests: false },
      reward: { steps: 4, batchPairs: 4, maxLength: 512 },
    });
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
});
