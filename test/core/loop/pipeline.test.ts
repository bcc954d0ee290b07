import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry } from '../../support/bundle-entry';
import { writeDefaultSetCandidates } from '../../support/default-set-candidates';
import { readRunStore, runLoopChild } from '../../support/loop-child';

/** What the store holds after the run, minus times: the figures that must not depend on a crash. */
function snapshot(workspace: string): unknown {
  return readRunStore(workspace, (db) => ({
    iterations: db.prepare('SELECT idx, status FROM iterations ORDER BY idx').all(),
    stages: db.prepare('SELECT i.idx, s.stage, s.status, s.output_json FROM stages s JOIN iterations i ON i.id = s.iteration_id ORDER BY i.idx, s.stage').all(),
    candidates: db.prepare('SELECT iteration_id, problem_id, sample_idx, code FROM candidates ORDER BY id').all(),
    executions: db
      .prepare('SELECT c.iteration_id, c.sample_idx, c.problem_id, e.attempt, e.status FROM executions e JOIN candidates c ON c.id = e.candidate_id ORDER BY c.id, e.attempt')
      .all(),
    // Reasons without their wording: a Timeout's message carries its wall time, which no two runs share.
    mined: (db.prepare('SELECT iteration_id, candidate_id, kind, detail_json FROM mined ORDER BY iteration_id, candidate_id, kind').all() as Array<{
      detail_json: string;
    }>).map(({ detail_json, ...row }) => ({ ...row, reasons: (JSON.parse(detail_json) as { reasons?: Array<{ kind: string }> }).reasons?.map((r) => r.kind) })),
  }));
}

describe('the loop pipeline', () => {
  let child: string;
  let candidates: string;

  beforeAll(async () => {
    child = await bundleEntry('test/core/loop/pipeline-child.ts');
    candidates = writeDefaultSetCandidates();
  });

  const run = (workspace: string, killAt?: string) => runLoopChild(child, workspace, candidates, { killAt, timeoutMs: 240_000 });

  it('runs its stages, stores verdicts, flags the near-limit timeouts, and resumes after kill -9 to the same result', () => {
    const straight = mkdtempSync(join(tmpdir(), 'rr-loop-a-'));
    const first = run(straight);
    expect(first.stdout, first.stderr).toContain('finished');
    const expected = snapshot(straight) as { executions: Array<{ status: string }>; mined: Array<{ reasons: string[] }>; stages: unknown[] };
    const statuses = new Set(expected.executions.map((e) => e.status));
    expect(statuses).toEqual(new Set(['OK', 'Exception', 'Timeout']));
    // Each endless loop timed out near the limit: inconclusive, run again, disputed (3 problems x 2 iterations).
    const reasons = expected.mined.map((m) => m.reasons.join());
    expect(reasons.filter((r) => r === 'inconclusive-execution')).toHaveLength(6);
    // Some near misses pass their problem's four asserts (d % 3 for d % 2): the probe tells them from the canonical.
    expect(reasons.filter((r) => r === 'weak-tests').length).toBeGreaterThan(0);
    expect(expected.stages).toHaveLength(6);

    const crashed = mkdtempSync(join(tmpdir(), 'rr-loop-b-'));
    const killed = run(crashed, 'execute');
    expect(killed.signal).toBe('SIGKILL');
    const partial = snapshot(crashed) as { stages: unknown[]; executions: unknown[] };
    expect(partial.executions).toEqual([]);
    expect(partial.stages).toHaveLength(1);
    const resumed = run(crashed);
    expect(resumed.stdout, resumed.stderr).toContain('finished');
    expect(snapshot(crashed)).toEqual(expected);
  }, 300_000);
});
