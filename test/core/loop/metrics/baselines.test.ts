import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iterationMetrics } from '../../../../core/loop/iteration-metrics';
import { type BaselineCandidate, baselines, normalizeProgram, picks } from '../../../../core/loop/metrics/baselines';
import { insertCandidates, insertCheckpoint, insertExecutions, insertProblems, insertScores, listCandidates, listProblems } from '../../../../core/store/loop-records';
import { openStore } from '../../../../core/store/open-store';
import { createRun, ensureIteration } from '../../../../core/store/runs';
import { bestFreeBaseline, formatStatus } from '../../../../core/loop/status';

/** A candidate with everything a pick can read; `over` sets what the case is about. */
function cand(order: number, passed: boolean, over: Partial<BaselineCandidate> = {}): BaselineCandidate {
  return { order, passed, meanLogProb: null, sumLogProb: null, normalized: `program ${order}`, outputs: null, ...over };
}

describe('normalizeProgram', () => {
  it('drops formatting and comments but keeps indentation and tokens', () => {
    expect(normalizeProgram('    return  x+1   \n\n    # why\n')).toBe('    return x+1');
    expect(normalizeProgram('return x + 1')).not.toBe(normalizeProgram('return x - 1'));
  });
});

describe('baseline picks', () => {
  it('log-prob picks take the highest mean or sum, the earliest sample on ties', () => {
    const list = [
      cand(0, false, { meanLogProb: -0.5, sumLogProb: -10 }),
      cand(1, true, { meanLogProb: -0.2, sumLogProb: -12 }),
      cand(2, false, { meanLogProb: -0.2, sumLogProb: -3 }),
    ];
    const p = picks(list);
    expect(p.mean_logprob?.order).toBe(1);
    expect(p.sum_logprob?.order).toBe(2);
    expect(picks([...list].reverse()).mean_logprob?.order).toBe(1);
  });

  it('the PRM picks the highest mean or the highest minimum of its line scores, and is absent without a PRM', () => {
    const list = [
      cand(0, false, { lineScores: [0.9, 0.9, -0.8] }), // mean 0.33, min -0.8
      cand(1, true, { lineScores: [0.3, 0.2, 0.1] }), // mean 0.2, min 0.1
      cand(2, false, { lineScores: [] }), // no line: never picked
    ];
    expect(picks(list).prm_mean?.order).toBe(0);
    expect(picks(list).prm_min?.order).toBe(1);
    expect(baselines([list])).toMatchObject({ prm_mean: 0, prm_min: 1 });
    expect(Object.keys(baselines([list.map(({ lineScores: _l, ...c }) => c)]))).not.toContain('prm_mean');
  });

  it('majority takes the largest group of identical normalized programs, earliest group on ties', () => {
    const list = [cand(0, false, { normalized: 'a' }), cand(1, true, { normalized: 'b' }), cand(2, true, { normalized: 'b' }), cand(3, false, { normalized: 'a' })];
    expect(picks(list).majority?.order).toBe(0);
    expect(picks([...list, cand(4, true, { normalized: 'b' })]).majority?.order).toBe(1);
  });

  it('agreement clusters by outputs; candidates that printed nothing never form a cluster', () => {
    const list = [
      cand(0, false, { outputs: null }),
      cand(1, false, { outputs: null }),
      cand(2, false, { outputs: 'x' }),
      cand(3, true, { outputs: 'y' }),
      cand(4, true, { outputs: 'y' }),
    ];
    expect(picks(list).agreement?.order).toBe(3);
    // Nobody ran on the agreement inputs: identical programs are the only agreement left.
    const unrun = [cand(0, false, { normalized: 'a' }), cand(1, true, { normalized: 'b' }), cand(2, true, { normalized: 'b' })];
    expect(picks(unrun).agreement?.order).toBe(1);
  });

  it("the combined pick weighs clusters by the reranker's softmax mass and picks the reranker's best inside", () => {
    const list = [
      cand(0, false, { outputs: 'x', score: 0 }),
      cand(1, false, { outputs: 'x', score: 0 }),
      cand(2, true, { outputs: 'y', score: 3 }),
      cand(3, true, { outputs: 'y', score: 4 }),
    ];
    expect(picks(list).agreement?.order).toBe(0);
    expect(picks(list).agreement_rerank?.order).toBe(3);
    // Without reranker scores there is no combined pick.
    expect(picks(list.map(({ score: _s, ...c }) => c)).agreement_rerank).toBeNull();
  });

  it('averages over problems; a problem where every candidate fails scores 0 for every pick', () => {
    const solvable = [cand(0, false, { meanLogProb: -1, sumLogProb: -1 }), cand(1, true, { meanLogProb: -0.1, sumLogProb: -0.1 })];
    const hopeless = [cand(0, false, { meanLogProb: -1, sumLogProb: -1 }), cand(1, false, { meanLogProb: -0.1, sumLogProb: -0.1 })];
    const b = baselines([solvable, hopeless]);
    expect(b.random).toBeCloseTo(0.25, 12);
    expect(b.oracle).toBeCloseTo(0.5, 12);
    expect(b.mean_logprob).toBeCloseTo(0.5, 12);
    expect(baselines([hopeless]).mean_logprob).toBe(0);
    expect(baselines([hopeless]).oracle).toBe(0);
  });

  it('candidates without log-probs: no log-prob pick at all, or the earliest sample where only some problems lack them', () => {
    expect(baselines([[cand(0, true), cand(1, false)]]).mean_logprob).toBeNull();
    const some = baselines([[cand(0, false), cand(1, true)], [cand(0, false, { meanLogProb: -2, sumLogProb: -2 }), cand(1, true, { meanLogProb: -1, sumLogProb: -1 })]]);
    expect(some.mean_logprob).toBeCloseTo(0.5, 12);
  });
});

describe('iteration metrics carry the baselines, overall and per language', () => {
  it('reads log-probs, programs and verdicts from a small store', () => {
    const db = openStore(join(mkdtempSync(join(tmpdir(), 'rr-baselines-')), 'run.sqlite'));
    const run = createRun(db, { name: 'r', config: {}, seed: 1 });
    const iteration = ensureIteration(db, run.id, 0);
    const problem = (taskId: string, language: string) => ({
      taskId,
      language,
      split: 'heldout' as const,
      prompt: 'p',
      data: { task_id: taskId, language, prompt: 'p', prefix: '', suffix: '' },
    });
    insertProblems(db, run.id, [problem('a', 'python'), problem('b', 'lua')]);
    const [a, b] = listProblems(db, run.id);
    const lp = (x: number) => Float32Array.from([x, x]);
    insertCandidates(db, iteration.id, [
      // a: the likeliest candidate passes, the two identical ones fail.
      { problemId: a!.id, sampleIdx: 0, code: 'bad', tokens: null, logprobs: lp(-2) },
      { problemId: a!.id, sampleIdx: 1, code: 'bad ', tokens: null, logprobs: lp(-2) },
      { problemId: a!.id, sampleIdx: 2, code: 'good', tokens: null, logprobs: lp(-0.5) },
      // b: imported, no log-probs, every candidate fails.
      { problemId: b!.id, sampleIdx: 0, code: 'x', tokens: null, logprobs: null },
      { problemId: b!.id, sampleIdx: 1, code: 'y', tokens: null, logprobs: null },
    ]);
    const candidates = listCandidates(db, iteration.id);
    insertExecutions(
      db,
      candidates.map((c) => ({
        candidateId: c.id,
        attempt: 0,
        status: c.code === 'good' ? 'OK' : 'Failed',
        exitCode: 0,
        testsPassed: null,
        testsTotal: null,
        wallMs: 1,
        cpuMs: null,
        stdout: '',
        stderr: '',
      })),
    );
    const checkpointId = insertCheckpoint(db, { runId: run.id, iterationId: iteration.id, kind: 'reranker', path: 'x', parentId: null });
    // The reranker prefers the first (failing) candidate of a.
    insertScores(db, checkpointId, candidates.map((c) => ({ candidateId: c.id, score: c.sampleIdx === 0 ? 1 : 0 })));
    const m = iterationMetrics(db, run.id, iteration.id, checkpointId);
    expect(m.rerank_pass1).toBe(0);
    expect(m.baselines).toMatchObject({ mean_logprob: 0.5, sum_logprob: 0.5, majority: 0, oracle: 0.5 });
    expect(m.baselines.random).toBeCloseTo(1 / 6, 12);
    expect(m.per_language.python!.baselines.mean_logprob).toBe(1);
    expect(m.per_language.lua!.baselines.mean_logprob).toBeNull();
    db.close();
  });
});

describe('the status table', () => {
  it('shows the best free baseline (and which) beside the reranker, and agreement', () => {
    const b = { random: 0.3, mean_logprob: 0.6, sum_logprob: 0.62, majority: 0.55, agreement: 0.7, agreement_rerank: 0.72, oracle: 0.8 };
    expect(bestFreeBaseline(b)).toEqual({ name: 'sum_logprob', pass1: 0.62 });
    expect(bestFreeBaseline(undefined)).toBeNull();
    const metrics = { rerank_pass1: 0.65, random_pass1: 0.3, oracle_passn: 0.8, gap_closed: 0.7, reranker_auc: 0.8, hard_negatives: 0, disputed: 0 };
    const table = formatStatus({
      run: 'r',
      iterations: [{ index: 0, stage: 'evaluate', status: 'done', error: null, metrics: { ...metrics, best_free_baseline: bestFreeBaseline(b), agreement_pass1: 0.7, agreement_rerank_pass1: 0.72 } }],
    });
    expect(table.split('\n')[0]).toMatch(/rerank@1\s+best free@1\s+agree@1\s+agree\+rr@1/);
    expect(table.split('\n')[1]).toMatch(/0\.650\s+0\.620 sum_logprob\s+0\.700\s+0\.720/);
  });
});
