import type { ApiClient } from '../../../../core/api/client';
import type { MethodResult } from '../../../../core/api/contract';
import { messageOf } from '../errors';

export type HardNegativeRow = MethodResult<'hardNegatives.page'>['rows'][number];
type Detail = MethodResult<'hardNegatives.detail'>;

const PAGE = 200;

/**
 * The iteration's hard negatives as a list the store pages, sorts and filters: only the pages the virtual list
 * scrolls over are fetched, so 100k rows cost what a screenful does. Opening one fetches its detail.
 */
export class HardNegativesState {
  sort = $state<'score' | 'margin'>('margin');
  order = $state<'asc' | 'desc'>('desc');
  language = $state('');
  search = $state('');
  total = $state(0);
  /** Sparse: index → row, filled page by page. */
  rows = $state.raw<(HardNegativeRow | undefined)[]>([]);
  selected = $state<number | null>(null);
  detail = $state.raw<Detail | null>(null);
  error = $state<string | null>(null);
  private run: string | null = null;
  private iteration: number | null = null;
  // Bookkeeping of requests in flight, not shown: no reactivity wanted.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly pages = new Set<number>();
  private generation = 0;

  constructor(private readonly client: ApiClient) {}

  async show(run: string, iteration: number): Promise<void> {
    this.run = run;
    this.iteration = iteration;
    this.selected = null;
    this.detail = null;
    await this.reload();
  }

  /** Starts over from the first page (filters or sort changed). */
  async reload(): Promise<void> {
    this.generation++;
    this.pages.clear();
    this.rows = [];
    await this.ensure(0, 0);
  }

  /** Makes sure rows first..last are loaded (the virtual list calls this with what it shows). */
  async ensure(first: number, last: number): Promise<void> {
    if (this.run === null || this.iteration === null) return;
    const generation = this.generation;
    for (let page = Math.floor(first / PAGE); page <= Math.floor(last / PAGE); page++) {
      if (this.pages.has(page)) continue;
      this.pages.add(page);
      try {
        const result = await this.client.call('hardNegatives.page', {
          run: this.run,
          iteration: this.iteration,
          sort: this.sort,
          order: this.order,
          ...(this.language ? { language: this.language } : {}),
          ...(this.search ? { search: this.search } : {}),
          offset: page * PAGE,
          limit: PAGE,
        });
        if (generation !== this.generation) return;
        const rows = this.rows.length === result.total ? [...this.rows] : Array.from({ length: result.total }, (_, i) => this.rows[i]);
        result.rows.forEach((row, i) => (rows[page * PAGE + i] = row));
        this.total = result.total;
        this.rows = rows;
        this.error = null;
      } catch (err) {
        this.pages.delete(page);
        this.error = messageOf(err);
      }
    }
  }

  toggleSort(key: 'score' | 'margin'): void {
    if (this.sort === key) this.order = this.order === 'desc' ? 'asc' : 'desc';
    else [this.sort, this.order] = [key, 'desc'];
    void this.reload();
  }

  async open(candidateId: number): Promise<void> {
    if (this.run === null || this.iteration === null) return;
    this.selected = candidateId;
    try {
      this.detail = await this.client.call('hardNegatives.detail', { run: this.run, iteration: this.iteration, candidateId });
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    }
  }
}
