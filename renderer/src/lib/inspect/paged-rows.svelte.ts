import { messageOf } from '../errors';

/**
 * A list the store pages: only the pages a virtual list scrolls over are fetched, so 100k rows cost what a
 * screenful does. `fetch` reads one page with the caller's current sort and filters; `reset` starts over when they
 * change (answers to an older generation are dropped).
 */
export class PagedRows<Row> {
  total = $state(0);
  /** Sparse: index → row, filled page by page. */
  rows = $state.raw<(Row | undefined)[]>([]);
  error = $state<string | null>(null);
  // Bookkeeping of requests in flight, not shown: no reactivity wanted.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly pages = new Set<number>();
  private generation = 0;

  constructor(
    private readonly fetch: (offset: number, limit: number) => Promise<{ total: number; rows: Row[] }> | null,
    private readonly pageSize = 200,
  ) {}

  /** Starts over from the first page (filters or sort changed). */
  async reset(): Promise<void> {
    this.generation++;
    this.pages.clear();
    this.rows = [];
    await this.ensure(0, 0);
  }

  /** Makes sure rows first..last are loaded (the virtual list calls this with what it shows). */
  async ensure(first: number, last: number): Promise<void> {
    const generation = this.generation;
    for (let page = Math.floor(first / this.pageSize); page <= Math.floor(last / this.pageSize); page++) {
      if (this.pages.has(page)) continue;
      this.pages.add(page);
      try {
        const pending = this.fetch(page * this.pageSize, this.pageSize);
        if (pending === null) {
          this.pages.delete(page);
          return;
        }
        const result = await pending;
        if (generation !== this.generation) return;
        const rows = this.rows.length === result.total ? [...this.rows] : Array.from({ length: result.total }, (_, i) => this.rows[i]);
        result.rows.forEach((row, i) => (rows[page * this.pageSize + i] = row));
        this.total = result.total;
        this.rows = rows;
        this.error = null;
      } catch (err) {
        this.pages.delete(page);
        this.error = messageOf(err);
      }
    }
  }
}
