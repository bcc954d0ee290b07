import type { ApiClient } from '../../../../core/api/client';
import type { MethodResult } from '../../../../core/api/contract';
import type { CandidateView } from '../../../../core/api/loop';
import { messageOf } from '../errors';
import { PagedRows } from './paged-rows.svelte';

type ProblemRow = MethodResult<'problems.page'>['rows'][number];

/**
 * Problems of the iteration (paged by the store as the list scrolls, however many) and the chosen problem's
 * candidates in reranker order; any two of them go to the diff, by default the reranker's top pick against the
 * best-scored passing one.
 */
export class CandidatesState {
  search = $state('');
  problemId = $state<number | null>(null);
  candidates = $state.raw<CandidateView[]>([]);
  left = $state<number | null>(null);
  right = $state<number | null>(null);
  error = $state<string | null>(null);
  private run: string | null = null;
  private iteration: number | null = null;
  private ticket = 0;
  private readonly list = new PagedRows<ProblemRow>((offset, limit) =>
    this.run === null || this.iteration === null
      ? null
      : this.client.call('problems.page', { run: this.run, iteration: this.iteration, ...(this.search ? { search: this.search } : {}), offset, limit }),
  );

  constructor(private readonly client: ApiClient) {}

  /** Sparse: the pages fetched so far. */
  get problems(): (ProblemRow | undefined)[] {
    return this.list.rows;
  }
  get problemTotal(): number {
    return this.list.total;
  }
  /** The open problem's row (kept when its page is dropped by a new filter). */
  problem = $state.raw<ProblemRow | null>(null);

  ensureProblems(first: number, last: number): Promise<void> {
    return this.list.ensure(first, last);
  }

  readonly leftCandidate = $derived(this.candidates.find((c) => c.candidateId === this.left) ?? null);
  readonly rightCandidate = $derived(this.candidates.find((c) => c.candidateId === this.right) ?? null);

  async show(run: string, iteration: number): Promise<void> {
    const keep = this.run === run && this.problemId !== null;
    this.run = run;
    this.iteration = iteration;
    await this.loadProblems();
    const still = keep && this.problems.some((p) => p?.problemId === this.problemId);
    const first = still ? this.problemId : (this.problems[0]?.problemId ?? null);
    if (first === null) {
      this.problemId = null;
      this.candidates = [];
    } else await this.open(first);
  }

  /** Re-reads the list from its first page (the filter changed, or the iteration). */
  async loadProblems(): Promise<void> {
    await this.list.reset();
    this.error = this.list.error;
  }

  async open(problemId: number, pair?: { left: number; right: number }): Promise<void> {
    if (this.run === null || this.iteration === null) return;
    this.problemId = problemId;
    this.problem = this.problems.find((p) => p?.problemId === problemId) ?? null;
    // Only the latest problem (or iteration) opened gets to fill the table.
    const ticket = ++this.ticket;
    try {
      const candidates = await this.client.call('candidates.byProblem', { run: this.run, iteration: this.iteration, problemId });
      if (ticket !== this.ticket) return;
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
