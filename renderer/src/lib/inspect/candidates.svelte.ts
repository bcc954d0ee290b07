import type { ApiClient } from '../../../../core/api/client';
import type { MethodResult } from '../../../../core/api/contract';
import type { CandidateView } from '../../../../core/api/loop';
import { messageOf } from '../errors';

type ProblemRow = MethodResult<'problems.page'>['rows'][number];

/**
 * Problems of the iteration (one paged query) and the chosen problem's candidates in reranker order; any two of
 * them go to the diff, by default the reranker's top pick against the best-scored passing one.
 */
export class CandidatesState {
  problems = $state.raw<ProblemRow[]>([]);
  problemTotal = $state(0);
  search = $state('');
  problemId = $state<number | null>(null);
  candidates = $state.raw<CandidateView[]>([]);
  left = $state<number | null>(null);
  right = $state<number | null>(null);
  error = $state<string | null>(null);
  private run: string | null = null;
  private iteration: number | null = null;

  constructor(private readonly client: ApiClient) {}

  readonly leftCandidate = $derived(this.candidates.find((c) => c.candidateId === this.left) ?? null);
  readonly rightCandidate = $derived(this.candidates.find((c) => c.candidateId === this.right) ?? null);

  async show(run: string, iteration: number): Promise<void> {
    const keep = this.run === run && this.problemId !== null;
    this.run = run;
    this.iteration = iteration;
    await this.loadProblems();
    const still = keep && this.problems.some((p) => p.problemId === this.problemId);
    const first = still ? this.problemId : (this.problems[0]?.problemId ?? null);
    if (first === null) {
      this.problemId = null;
      this.candidates = [];
    } else await this.open(first);
  }

  async loadProblems(): Promise<void> {
    if (this.run === null || this.iteration === null) return;
    try {
      const page = await this.client.call('problems.page', {
        run: this.run,
        iteration: this.iteration,
        ...(this.search ? { search: this.search } : {}),
        limit: 1000,
      });
      this.problems = page.rows;
      this.problemTotal = page.total;
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  async open(problemId: number, pair?: { left: number; right: number }): Promise<void> {
    if (this.run === null || this.iteration === null) return;
    this.problemId = problemId;
    try {
      const candidates = await this.client.call('candidates.byProblem', { run: this.run, iteration: this.iteration, problemId });
      this.candidates = candidates;
      const top = candidates[0]?.candidateId ?? null;
      const bestPassing = candidates.find((c) => c.passed === true)?.candidateId ?? null;
      this.left = pair?.left ?? top;
      this.right = pair?.right ?? (bestPassing !== null && bestPassing !== top ? bestPassing : (candidates[1]?.candidateId ?? top));
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  /** Re-reads the open problem (a label changed). */
  async refresh(): Promise<void> {
    if (this.problemId !== null) await this.open(this.problemId, this.left !== null && this.right !== null ? { left: this.left, right: this.right } : undefined);
  }

  async rerun(candidateId: number): Promise<void> {
    try {
      await this.client.call('candidates.rerun', { candidateId });
    } catch (err) {
      this.error = messageOf(err);
    }
  }
}
