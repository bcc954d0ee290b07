import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exec, type ExecOptions } from '../../../core/cli/exec';
import { builtInSet } from '../../../core/data/built-in-sets';

const HUMANEVAL = builtInSet('humaneval').path;
const dir = mkdtempSync(join(tmpdir(), 'rr-exec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (extra: Partial<ExecOptions>): ExecOptions => ({ jobs: 2, warm: true, selfCheck: false, json: false, ...extra });

describe('rewardranker exec', () => {
  it('writes one JSON line per candidate, in input order, with the verdict record', async () => {
    const problems = readFileSync(HUMANEVAL, 'utf8').split('\n').slice(0, 2);
    const tasks = problems.map((line) => JSON.parse(line) as { task_id: string; canonical_solution: string });
    const candidates = join(dir, 'candidates.jsonl');
    writeFileSync(
      candidates,
      [
        { task_id: tasks[0]!.task_id, completion: tasks[0]!.canonical_solution },
        { task_id: tasks[0]!.task_id, completion: '    return None\n' },
        { task_id: tasks[1]!.task_id, completion: '    while True:\n        pass\n' },
        { task_id: tasks[1]!.task_id, completion: '    return [\n' },
      ]
        .map((c) => JSON.stringify(c))
        .join('\n'),
    );
    const out = join(dir, 'out.jsonl');
    expect(await exec(options({ problems: HUMANEVAL, candidates, out, timeout: 1 }))).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.task_id, l.candidate, l.language, l.status])).toEqual([
      [tasks[0]!.task_id, 1, 'python', 'OK'],
      [tasks[0]!.task_id, 2, 'python', 'Exception'],
      [tasks[1]!.task_id, 3, 'python', 'Timeout'],
      [tasks[1]!.task_id, 4, 'python', 'SyntaxError'],
    ]);
    expect(lines[1]).toMatchObject({ exitCode: 1, phase: 'run', stdout: { text: '', bytes: 0, truncated: false } });
  });

  it('carries unknown keys into its lines, echoes ids, and runs EvalPlus solutions', async () => {
    const task = JSON.parse(readFileSync(HUMANEVAL, 'utf8').split('\n')[0]!) as { task_id: string; prompt: string; canonical_solution: string };
    const candidates = join(dir, 'extra.jsonl');
    writeFileSync(
      candidates,
      [
        { task_id: task.task_id, solution: task.prompt + task.canonical_solution, id: 's-1', model: 'm', temperature: 0.2 },
        { task_id: task.task_id, completion: '    return None\n', status: 'passed', input: 1 },
      ]
        .map((c) => JSON.stringify(c))
        .join('\n'),
    );
    const out = join(dir, 'extra-out.jsonl');
    expect(await exec(options({ problems: HUMANEVAL, candidates, out, timeout: 5 }))).toBe(0);
    const [a, b] = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(a!).slice(0, 3)).toEqual(['task_id', 'candidate', 'id']);
    expect(a).toMatchObject({ task_id: task.task_id, candidate: 1, id: 's-1', model: 'm', temperature: 0.2, status: 'OK' });
    // A key of the candidate's that names one of ours is kept under `input`, not lost.
    expect(b).toMatchObject({ candidate: 2, status: 'Exception', input: { status: 'passed', input: 1 } });
    expect(b).not.toHaveProperty('id');
  });

  it("takes a built-in set's name for --problems", async () => {
    const candidates = join(dir, 'named.jsonl');
    writeFileSync(candidates, `${JSON.stringify({ task_id: 'HumanEval/0', completion: '    return True\n' })}\n`);
    const out = join(dir, 'named-out.jsonl');
    expect(await exec(options({ problems: 'humaneval', candidates, out }))).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ task_id: 'HumanEval/0', status: 'Exception' });
  });

  it('names the candidates file and the candidate when a task is not among the problems', async () => {
    const candidates = join(dir, 'stray.jsonl');
    writeFileSync(candidates, `${JSON.stringify({ task_id: 'HumanEval/0', completion: '' })}\n${JSON.stringify({ task_id: 'Nope/1', completion: '' })}\n`);
    await expect(exec(options({ problems: HUMANEVAL, candidates, out: join(dir, 'x.jsonl') }))).rejects.toThrow(
      `${candidates}: candidate 2: key "task_id": no task "Nope/1" in ${HUMANEVAL}`,
    );
  });

  it('asks for the files it needs', async () => {
    await expect(exec(options({ problems: HUMANEVAL }))).rejects.toThrow('exec needs --candidates, --out (or --self-check)');
  });
});
