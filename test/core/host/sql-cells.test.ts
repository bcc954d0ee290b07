import { describe, expect, it } from 'vitest';
import { useSyntheticCore } from '../../support/synthetic-core';

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c';

/** SQL cells over the API: a query that never ends holds its own worker, never the core's thread. */
describe('SQL cells', () => {
  const api = useSyntheticCore('rr-sql-', { candidates: 320, iterations: 1 });

  it('stops a runaway query at its time limit while other calls get answers', async () => {
    let runawayEnded = Infinity;
    const runaway = api.client.call('store.query', { sql: RUNAWAY, timeoutMs: 4000 });
    const refused = expect(runaway).rejects.toThrow(/SQL: stopped after 4000 ms/);
    void runaway.catch(() => void (runawayEnded = performance.now()));
    // Both answer while the runaway still runs.
    expect(await api.client.call('runs.list')).toMatchObject([{ name: 'default', iterations: 1 }]);
    const count = await api.client.call('store.query', { sql: 'SELECT count(*) AS n FROM candidates' });
    const answered = performance.now();
    expect(count.rows).toEqual([[320]]);
    await refused;
    expect(answered).toBeLessThan(runawayEnded);
  });

  it('cancels a runaway query by its id', async () => {
    const runaway = api.client.call('store.query', { sql: RUNAWAY, queryId: 'cell-1' });
    // Let the worker start and spin.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await api.client.call('loop.state')).toMatchObject({ running: false });
    const started = performance.now();
    expect(await api.client.call('store.cancelQuery', { queryId: 'cell-1' })).toEqual({ cancelled: true });
    await expect(runaway).rejects.toThrow(/SQL: cancelled/);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await api.client.call('store.cancelQuery', { queryId: 'cell-1' })).toEqual({ cancelled: false });
  });

  it('refuses statements that write, and caps rows with a flag', async () => {
    await expect(api.client.call('store.query', { sql: 'DELETE FROM labels' })).rejects.toThrow(/SQL cells are read-only/);
    await expect(api.client.call('store.query', { sql: "UPDATE runs SET name = 'x'" })).rejects.toThrow(/SQL cells are read-only/);
    await expect(api.client.call('store.query', { sql: 'SELEC 1' })).rejects.toThrow(/SQL: near "SELEC": syntax error/);
    const capped = await api.client.call('store.query', { sql: 'SELECT id FROM candidates ORDER BY id', limit: 10 });
    expect(capped.rows).toHaveLength(10);
    expect(capped.truncated).toBe(true);
    expect(capped.columns).toEqual(['id']);
  });
});
