import { describe, expect, it, vi } from 'vitest';
import { useSyntheticCore } from '../../support/synthetic-core';

/** What the notebook's views read, over the API, from a synthetic store of 2,400 candidates in two iterations. */
describe('inspecting an iteration over the API', () => {
  const api = useSyntheticCore('rr-inspect-', { candidates: 2400, iterations: 2 });

  it('pages hard negatives by margin over the best passing candidate, with a total', async () => {
    const first = await api.client.call('hardNegatives.page', { iteration: 1, limit: 8 });
    expect(first.total).toBeGreaterThan(16);
    expect(first.rows).toHaveLength(8);
    const margins = first.rows.map((r) => r.margin!);
    expect(margins).toEqual([...margins].sort((a, b) => b - a));
    for (const r of first.rows) expect(r.margin).toBeCloseTo(r.score - r.bestPassingScore!, 9);
    const second = await api.client.call('hardNegatives.page', { iteration: 1, limit: 8, offset: 8 });
    expect(second.total).toBe(first.total);
    expect(second.rows[0]!.margin!).toBeLessThanOrEqual(margins[7]!);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.candidateId)).size).toBe(16);

    // The margin agrees with the problem's ranked candidates: the best passing one's score.
    const ranked = await api.client.call('candidates.byProblem', { iteration: 1, problemId: first.rows[0]!.problemId });
    expect(ranked.find((c) => c.passed)!.score).toBeCloseTo(first.rows[0]!.bestPassingScore!, 9);
  });

  it('sorts hard negatives by score and filters them by language and task id', async () => {
    const byScore = await api.client.call('hardNegatives.page', { iteration: 1, sort: 'score', order: 'asc', limit: 50 });
    const scores = byScore.rows.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    const go = await api.client.call('hardNegatives.page', { iteration: 1, language: 'go', limit: 1000 });
    expect(go.total).toBeGreaterThan(0);
    expect(go.total).toBeLessThan(byScore.total);
    expect(go.rows.every((r) => r.language === 'go')).toBe(true);
    const one = go.rows[0]!.taskId;
    const searched = await api.client.call('hardNegatives.page', { iteration: 1, search: one.slice(-6), limit: 1000 });
    expect(searched.rows.length).toBeGreaterThan(0);
    expect(searched.rows.every((r) => r.taskId.includes(one.slice(-6)))).toBe(true);
    expect(await api.client.call('hardNegatives.page', { iteration: 1, search: '%', limit: 5 })).toEqual({ total: 0, rows: [] });
  });

  it('opens a hard negative beside its problem\'s best passing candidate', async () => {
    const [row] = (await api.client.call('hardNegatives.page', { iteration: 1, limit: 1 })).rows;
    const detail = await api.client.call('hardNegatives.detail', { iteration: 1, candidateId: row!.candidateId });
    expect(detail.prompt).toContain('def solve_');
    expect(detail.negative).toMatchObject({ candidateId: row!.candidateId, passed: false, hardNegative: true, testsTotal: 4 });
    expect(detail.negative.stderr).toMatch(/AssertionError/);
    expect(detail.bestPassing).toMatchObject({ problemId: row!.problemId, passed: true, status: 'OK' });
    expect(detail.negative.score!).toBeGreaterThan(detail.bestPassing!.score!);
  });

  it('lists problems with one statement however many there are', async () => {
    const db = api.core.loop.store()!;
    const prepare = vi.spyOn(db, 'prepare');
    const small = await api.client.call('problems.page', { iteration: 1, limit: 5 });
    const few = prepare.mock.calls.length;
    prepare.mockClear();
    const all = await api.client.call('problems.page', { iteration: 1, limit: 1000 });
    expect(prepare.mock.calls.length).toBe(few);
    prepare.mockClear();
    const list = await api.client.call('problems.list', { iteration: 1 });
    expect(prepare.mock.calls.length).toBeLessThanOrEqual(few);
    prepare.mockRestore();
    expect(small.rows).toHaveLength(5);
    expect(all.total).toBe(150);
    expect(all.rows).toHaveLength(150);
    expect(list).toHaveLength(150);
    const heldout = await api.client.call('problems.page', { iteration: 1, split: 'heldout', language: 'python', limit: 1000 });
    expect(heldout.rows.every((p) => p.split === 'heldout' && p.language === 'python')).toBe(true);
    const p = all.rows.find((r) => r.split === 'heldout')!;
    const ranked = await api.client.call('candidates.byProblem', { iteration: 1, problemId: p.problemId });
    expect(p).toMatchObject({ candidates: 8, passing: ranked.filter((c) => c.passed).length, pickPasses: ranked[0]!.passed, topScore: ranked[0]!.score });
  });

  it('bins histograms of two iterations on one set of edges, as the loop bins its own', async () => {
    const { metrics } = await api.client.call('iterations.metrics', { iteration: 1 });
    const own = await api.client.call('metrics.histogram', { iterations: [1] });
    expect(own.edges).toEqual(metrics!.histogram.edges);
    expect(own.series[0]).toEqual({ iteration: 1, passing: metrics!.histogram.passing, failing: metrics!.histogram.failing });
    const both = await api.client.call('metrics.histogram', { iterations: [0, 1], bins: 40 });
    expect(both.edges).toHaveLength(41);
    const total = (s: { passing: number[]; failing: number[] }): number => [...s.passing, ...s.failing].reduce((a, b) => a + b, 0);
    expect(both.series.map(total)).toEqual([240, 240]);
  });

  it('draws the ROC curve in at most maxPoints points, its area the iteration\'s AUC', async () => {
    const { metrics, delta } = await api.client.call('iterations.metrics', { iteration: 1 });
    const roc = await api.client.call('metrics.roc', { iteration: 1, maxPoints: 50 });
    expect(roc.points.length).toBeLessThanOrEqual(50);
    expect(roc.points[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(roc.points.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(roc.positives + roc.negatives).toBe(240);
    const full = await api.client.call('metrics.roc', { iteration: 1, maxPoints: 2000 });
    expect(full.auc!).toBeCloseTo(metrics!.reranker_auc!, 9);
    const series = await api.client.call('metrics.series', {});
    expect(series.map((s) => s.iteration)).toEqual([0, 1]);
    expect(delta!.rerank_pass1).toBeCloseTo(series[1]!.rerank_pass1! - series[0]!.rerank_pass1!, 9);
  });

  it('undoes a label by appending the one before it, never deleting, and counts the queue', async () => {
    const disputed = await api.client.call('mined.list', { iteration: 1, kind: 'disputed' });
    const progress = await api.client.call('labels.progress', { iteration: 1 });
    expect(progress).toEqual({ labelled: 0, total: disputed.length });
    const id = disputed[0]!.candidateId;
    await api.client.call('labels.put', { candidateId: id, verdict: 'pass' });
    await api.client.call('labels.put', { candidateId: id, verdict: 'fail' });
    expect(await api.client.call('labels.progress', { iteration: 1 })).toEqual({ labelled: 1, total: disputed.length });
    expect(await api.client.call('labels.undo', { candidateId: id })).toMatchObject({ current: 'pass', label: { verdict: 'pass' } });
    let view = (await api.client.call('mined.list', { iteration: 1, kind: 'disputed' })).find((c) => c.candidateId === id)!;
    expect(view).toMatchObject({ label: 'pass', passed: true, verdictSource: 'label' });
    expect(await api.client.call('labels.undo', { candidateId: id })).toMatchObject({ current: null, label: { verdict: 'unsure' } });
    view = (await api.client.call('mined.list', { iteration: 1, kind: 'disputed' })).find((c) => c.candidateId === id)!;
    expect(view).toMatchObject({ label: null, verdictSource: 'execution' });
    await expect(api.client.call('labels.undo', { candidateId: id })).rejects.toThrow(/has no label to undo/);
    const history = await api.client.call('labels.list', { candidateId: id });
    expect(history.map((l) => [l.verdict, l.note])).toEqual([
      ['pass', ''],
      ['fail', ''],
      ['pass', `undo of label ${history[1]!.id}`],
      ['unsure', `undo of label ${history[0]!.id}`],
    ]);
    expect(await api.client.call('labels.progress', { iteration: 1 })).toEqual({ labelled: 0, total: disputed.length });
  });

  it('serves an iteration\'s stored stage durations and what it ran with beside the previous iteration', async () => {
    const [zero, one] = [await api.client.call('iterations.detail', { iteration: 0 }), await api.client.call('iterations.detail', { iteration: 1 })];
    expect(one.stages.map((s) => s.stage)).toEqual(['score', 'mine']);
    for (const s of one.stages) expect(s.durationS).toBeCloseTo((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000, 6);
    const setting = (d: typeof one, key: string) => d.settings.find((s) => s.key === key);
    // Iteration 0 has no reranker to score with; iteration 1 is scored by iteration 0's.
    expect(setting(zero, 'scored and mined by')).toMatchObject({ value: 'none (no reranker yet)', previous: null, changed: false });
    expect(setting(one, 'scored and mined by')).toMatchObject({ value: expect.stringMatching(/^reranker #\d+ \(iteration 0\)$/), previous: 'none (no reranker yet)', changed: true });
    expect(setting(one, 'reranker trained')!.value).toMatch(/\(iteration 1\), after #\d+$/);
    expect(setting(one, 'policy optimisation')).toMatchObject({ value: 'not run', changed: false });
    expect(one.config).toContainEqual({ key: 'seed', value: '1' });
    expect(one.config).toEqual(zero.config);
    expect(one.ppo).toEqual([]);
    expect(one.policy).toBeNull();
    await expect(api.client.call('iterations.detail', { iteration: 7 })).rejects.toThrow(/has no iteration 7/);
  });
});
