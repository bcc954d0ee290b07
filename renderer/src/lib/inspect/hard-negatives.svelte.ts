import type { ApiClient } from '../../../../core/api/client';
import type { MethodResult } from '../../../../core/api/contract';
import { messageOf } from '../errors';
import { PagedRows } from './paged-rows.svelte';

export type HardNegativeRow = MethodResult<'hardNegatives.page'>['rows'][number];
type Detail = MethodResult<'hardNegatives.detail'>;

/**
 * The iteration's hard negatives as a list the store pages, sorts and filters (PagedRows: only what the virtual
 * list shows is fetched). Opening one fetches its detail.
 */
export class HardNegativesState {
  sort = $state<'score' | 'margin'>('margin');
  order = $state<'asc' | 'desc'>('desc');
  language = $state('');
  search = $state('');
  selected = $state<number | null>(null);
  detail = $state.raw<Detail | null>(null);
  private detailError = $state<string | null>(null);
  private run: string | null = null;
  private iteration: number | null = null;
  private readonly list = new PagedRows<HardNegativeRow>((offset, limit) =>
    this.run === null || this.iteration === null
      ? null
      : this.client.call('hardNegatives.page', {
          run: this.run,
          iteration: this.iteration,
          sort: this.sort,
          order: this.order,
          ...(this.language ? { language: this.language } : {}),
          ...(this.search ? { search: this.search } : {}),
          offset,
          limit,
        }),
  );

  constructor(private readonly client: ApiClient) {}

  get total(): number {
    return this.list.total;
  }
  get rows(): (HardNegativeRow | undefined)[] {
    return this.list.rows;
  }
  get error(): string | null {
    return this.detailError ?? this.list.error;
  }

  async show(run: string, iteration: number): Promise<void> {
    this.run = run;
    this.iteration = iteration;
    this.selected = null;
    this.detail = null;
    await this.reload();
  }

  /** Starts over from the first page (filters or sort changed). */
  reload(): Promise<void> {
    return this.list.reset();
  }

  /** Makes sure rows first..last are loaded (the virtual list calls this with what it shows). */
  ensure(first: number, last: number): Promise<void> {
    return this.list.ensure(first, last);
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
      this.detailError = null;
    } catch (err) {
      this.detailError = messageOf(err);
    }
  }
}
