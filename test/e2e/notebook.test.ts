import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../core/store/open-store';
import { launchChromium } from '../support/chromium';
import { makeSmallRun } from '../support/small-run';
import { spawnApp, type SpawnedApp } from '../support/spawn-app';

const artifacts = 'test-artifacts';
// The machine running CI is shared and slow at times: waits are generous, the suite's time is set by the run.
const within = { timeout: 20_000, interval: 100 };
const sum = (list: string | null): number => (list ? list.split(',').reduce((a, b) => a + Number(b), 0) : 0);

/**
 * The notebook in Chromium on a real run made by the CLI (iteration 0), then driven from the page: histograms, one
 * click iterations with progress, hard negatives in Monaco's diff, keyboard labelling across a reload, SQL cells,
 * cancel and resume. Ordered: each test starts where the previous one left the run.
 */
describe('the notebook in Chromium', () => {
  let browser: Browser;
  let app: SpawnedApp;
  let page: Page;
  let workspace: string;
  const failures: string[] = [];

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(artifacts, `notebook-${name}.png`), animations: 'disabled', caret: 'hide' });
  const shotOf = (name: string, testid: string): Promise<Buffer> =>
    page.getByTestId(testid).first().screenshot({ path: join(artifacts, `notebook-${name}.png`), animations: 'disabled', caret: 'hide' });
  /** Writes into the test's own run store beside the running app, as another stage of the loop would. */
  const writeStore = (write: (db: ReturnType<typeof openStore>) => void): void => {
    const db = openStore(join(workspace, 'run.sqlite'));
    try {
      write(db);
    } finally {
      db.close();
    }
  };
  const iterationStatus = (i: number): Promise<string | null> => page.getByTestId(`iteration-cell-${i}`).getByTestId('iteration-status').textContent();

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    ({ workspace } = await makeSmallRun(1));
    [browser, app] = await Promise.all([launchChromium(), spawnApp(['bin/rewardranker.js', 'serve', '--port', '0', '--workspace', workspace])]);
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    page.on('pageerror', (e) => failures.push(e.message));
    await page.goto(app.url);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('opens the run with its iteration cell and reward histogram, bins drawn as SVG bars', async () => {
    await expect.poll(() => page.getByTestId('run-picker').inputValue(), within).toBe('default');
    await expect.poll(() => iterationStatus(0), within).toBe('done');
    const histogram = page.getByTestId('histogram');
    await expect.poll(() => histogram.count(), within).toBe(1);
    const edges = (await histogram.getAttribute('data-edges'))!.split(',');
    const passing = await histogram.getAttribute('data-passing');
    const failing = await histogram.getAttribute('data-failing');
    expect(passing!.split(',')).toHaveLength(edges.length - 1);
    expect(sum(passing)).toBeGreaterThan(0);
    expect(sum(failing)).toBeGreaterThan(0);
    // Every held-out candidate of the iteration sits in one bin: counted again by a SQL cell, a separate path.
    await page.getByTestId('add-sql').click();
    const cell = page.getByTestId('sql-cell').last();
    await cell.getByLabel('SQL', { exact: true }).fill(
      "SELECT count(*) FROM candidates c JOIN problems p ON p.id = c.problem_id JOIN iterations i ON i.id = c.iteration_id WHERE i.idx = 0 AND p.split = 'heldout'",
    );
    await cell.getByTestId('sql-run').click();
    await expect.poll(() => cell.getByTestId('sql-result').locator('tbody td').first().textContent(), within).toBe(String(sum(passing) + sum(failing)));
    const nonEmpty = (list: string | null): number => list!.split(',').filter((n) => n !== '0').length;
    await expect.poll(() => histogram.locator('svg rect.bar.passing').count(), within).toBe(nonEmpty(passing));
    expect(await histogram.locator('svg rect.bar.failing').count()).toBe(nonEmpty(failing));
    expect(Number(await page.getByTestId('roc-chart').getAttribute('data-points'))).toBeGreaterThan(1);
    await shot('run');
  });

  it('runs the next iteration with one click, showing progress until it is done', async () => {
    await page.getByTestId('run-next').click();
    await expect.poll(() => page.getByTestId('progress').count(), { timeout: 20_000 }).toBe(1);
    await shot('progress');
    await expect.poll(() => iterationStatus(1), { timeout: 240_000, interval: 500 }).toBe('done');
    await expect.poll(() => page.getByTestId('loop-state').textContent(), within).toMatch(/idle/);
    expect(await page.getByTestId('loop-summary').textContent()).toMatch(/^done in \d+ s/);
    // The histogram now overlays iteration 0 as an outline.
    await expect.poll(() => page.getByTestId('histogram').getAttribute('data-previous-passing'), within).not.toBe('');
    expect(await page.getByTestId('histogram').locator('svg rect.outline').count()).toBeGreaterThan(0);
    // The cell says what iteration 1 ran with against iteration 0: scored and mined by iteration 0's reranker.
    const cell = page.getByTestId('iteration-cell-1');
    const scored = cell.locator('[data-setting="scored and mined by"]');
    await expect.poll(() => scored.getAttribute('data-changed'), within).toBe('true');
    expect(await scored.textContent()).toMatch(/reranker #\d+ \(iteration 0\).*was none/);
    // The free baselines the evaluate stage stored, with their change from iteration 0.
    const random = cell.getByTestId('baselines-table').locator('tr[data-baseline="random"] td');
    expect(await random.first().textContent()).toMatch(/^\d\.\d{3}$/);
    expect(await random.nth(1).textContent()).toMatch(/^[+−±]\d\.\d{3}$/);
    await shot('iteration-done');
  }, 300_000);

  it('opens a hard negative: its prompt, execution, and both programs in the diff editor', async () => {
    await page.getByTestId('tab-hard-negatives').click();
    const rows = page.getByTestId('hn-row');
    await expect.poll(() => rows.count(), within).toBeGreaterThan(0);
    await rows.first().click();
    await expect.poll(() => page.getByTestId('hn-detail').count(), within).toBe(1);
    const diff = (): Promise<[string, string, number] | null> =>
      page.evaluate(() => {
        type Hook = { original(): string; modified(): string; lineChanges(): number };
        const hook = (window as unknown as { __rewardrankerDiffs?: Record<string, Hook> }).__rewardrankerDiffs?.['hard-negative'];
        return hook ? [hook.original(), hook.modified(), hook.lineChanges()] : null;
      });
    await expect.poll(async () => (await diff())?.[1].length ?? 0, within).toBeGreaterThan(0);
    const [original, modified] = (await diff())!;
    expect(original).not.toBe(modified);
    expect(original.trim().length).toBeGreaterThan(0);
    expect(await page.getByTestId('hn-detail').getByTestId('execution').first().textContent()).toMatch(/verdict\s*fail/);
    await expect.poll(async () => (await diff())?.[2] ?? 0, within).toBeGreaterThan(0);
    await shot('hard-negative');
    await page.getByTestId('tab-candidates').click();
    await expect.poll(() => page.getByTestId('ranked-candidates').locator('tbody tr').count(), within).toBeGreaterThan(1);
    expect(Number(await page.getByTestId('problem-total').textContent().then((t) => t!.split(' ')[0]))).toBeGreaterThan(0);
    await shot('candidates');
  });

  it('shows the right-hand program\'s per-line scores from the store as a heat map, each value on hover', async () => {
    // The process reward model's line scores, written into the store as the score stage would write them.
    const right = await page.locator('[data-testid="ranked-candidates"] input[name="right"]:checked').getAttribute('aria-label');
    const candidateId = Number(/candidate (\d+)/.exec(right!)![1]);
    const hook = (): Promise<{ modified: string; scores: string[] } | null> =>
      page.evaluate(() => {
        type Hook = { modified(): string; glyphScores(): string[] };
        const h = (window as unknown as { __rewardrankerDiffs?: Record<string, Hook> }).__rewardrankerDiffs?.['candidates'];
        return h ? { modified: h.modified(), scores: h.glyphScores() } : null;
      });
    await expect.poll(async () => (await hook())?.modified.length ?? 0, within).toBeGreaterThan(0);
    const lines = (await hook())!.modified.split('\n').length;
    const scores = Array.from({ length: lines }, (_, i) => Number((-1 + (2 * i) / Math.max(1, lines - 1)).toFixed(3)));
    writeStore((db) => expect(db.prepare('UPDATE scores SET line_scores_json = ? WHERE candidate_id = ?').run(JSON.stringify(scores), candidateId).changes).toBeGreaterThan(0));
    await page.getByTestId('tab-notebook').click();
    await page.getByTestId('tab-candidates').click();
    // Re-read the problem (its default pair may differ from the one the hard negative opened): keep the same right side.
    await page.locator('[data-testid="problems"] button.problem.selected').click();
    await page.getByLabel(`Right: candidate ${candidateId}`, { exact: true }).check();
    await expect.poll(async () => (await hook())?.scores ?? [], within).toEqual(scores.map((v) => `line score ${v.toFixed(3)}`));
    const glyphs = page.getByTestId('diff-candidates').locator('.line-score');
    await expect.poll(() => glyphs.count(), within).toBe(lines);
    expect(await page.getByTestId('diff-candidates').locator('.line-score.heat--5').count()).toBe(1);
    await glyphs.first().hover();
    await expect.poll(() => page.locator('.monaco-hover').filter({ hasText: 'line score' }).first().textContent(), within).toContain(`line score ${scores[0]!.toFixed(3)}`);
    await shotOf('heat-map', 'diff-candidates');
  });

  it('labels three disputed samples by keyboard, undoes one, and keeps the labels across a reload', async () => {
    // Iteration 0's queue: the run's first mining always disputes some samples (near misses, endless loops).
    const inspect = async (): Promise<void> => {
      await page.getByTestId('tab-notebook').click();
      await page.getByTestId('iteration-cell-0').getByRole('button', { name: 'Inspect' }).click();
      await expect.poll(() => page.getByTestId('queue-progress').textContent(), within).toMatch(/iteration 0/);
    };
    await inspect();
    const queue = page.getByTestId('queue-items').locator('li');
    await expect.poll(() => queue.count(), within).toBeGreaterThanOrEqual(3);
    const ids = await queue.evaluateAll((items) => items.slice(0, 3).map((li) => li.getAttribute('data-candidate')));
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (const [key, verdict] of [['p', 'pass'], ['f', 'fail'], ['u', 'unsure']] as const) {
      await page.keyboard.press(key);
      await expect.poll(() => page.getByTestId('queue-saved').textContent(), within).toContain(`${verdict} on #`);
    }
    await expect.poll(() => page.getByTestId('queue-progress').textContent(), within).toMatch(/3 of \d+ labelled/);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('queue-progress').textContent(), within).toMatch(/2 of \d+ labelled/);
    // A key typed in a text field is the field's: the SQL cell below takes a 'p' without labelling anything.
    await page.getByTestId('tab-notebook').click();
    const sql = page.getByTestId('sql-cell').last().getByLabel('SQL', { exact: true });
    await sql.fill('');
    await sql.press('p');
    await expect.poll(() => page.getByTestId('queue-progress').textContent(), within).toMatch(/2 of \d+ labelled/);
    await shot('queue');
    // Two PPO rounds of iteration 1, as the ppo stage stores them (the tiny config runs no PPO of its own).
    const rounds = [
      { update: 0, reward: 0.25, kl: 0.01, entropy: 1.9, clipFraction: 0.05, valueLoss: 0.4, approxKl: 0.001, policyLoss: 0.1, klCoef: 0.05, completionTokens: 100, seconds: 1 },
      { update: 1, reward: 0.5, kl: 0.03, entropy: 1.8, clipFraction: 0.1, valueLoss: 0.3, approxKl: 0.002, policyLoss: 0.05, klCoef: 0.05, completionTokens: 100, seconds: 1 },
    ];
    writeStore((db) => {
      const insert = db.prepare('INSERT INTO ppo_steps (iteration_id, step, log_json) SELECT id, ?, ? FROM iterations WHERE idx = 1');
      for (const r of rounds) insert.run(r.update, JSON.stringify(r));
    });
    await page.reload();
    await inspect();
    // After a reload every finished stage still shows its duration, read from the store.
    const stages = page.getByTestId('iteration-cell-0').locator('li[data-state="done"]');
    await expect.poll(() => stages.count(), within).toBeGreaterThanOrEqual(5);
    const durations = await stages.evaluateAll((items) => items.map((li) => li.getAttribute('data-duration')));
    expect(durations.every((d) => d !== '' && Number(d) >= 0)).toBe(true);
    const ppo = page.getByTestId('iteration-cell-1').getByTestId('ppo-chart');
    await expect.poll(() => ppo.count(), within).toBe(2);
    expect([await ppo.first().getAttribute('data-reward'), await ppo.last().getAttribute('data-kl')]).toEqual(['0.25,0.5', '0.01,0.03']);
    expect(await ppo.first().locator('svg path').count()).toBeGreaterThan(0);
    await shotOf('iteration-cell', 'iteration-cell-1');
    const label = (id: string | null): Promise<string | null> =>
      page.locator(`[data-testid="queue-items"] li[data-candidate="${id}"]`).getAttribute('data-label', { timeout: within.timeout });
    await expect.poll(() => label(ids[0]!), within).toBe('pass');
    expect(await label(ids[1]!)).toBe('fail');
    expect(await label(ids[2]!)).toBe('');
  }, 120_000);

  it('runs SQL cells: rows come back, a write shows the read-only error, a runaway query is cancelled', async () => {
    const cell = page.getByTestId('sql-cell').last();
    await expect.poll(() => cell.count(), within).toBe(1);
    const run = async (text: string): Promise<void> => {
      await cell.getByLabel('SQL', { exact: true }).fill(text);
      await cell.getByTestId('sql-run').click();
    };
    await run('SELECT idx, status FROM iterations ORDER BY idx');
    await expect.poll(() => cell.getByTestId('sql-result').locator('tbody tr').count(), within).toBe(2);
    await run('DELETE FROM labels');
    await expect.poll(() => cell.getByTestId('sql-error').textContent(), within).toMatch(/read-only/i);
    await run('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c');
    await expect.poll(() => cell.getByTestId('sql-cancel').isEnabled(), within).toBe(true);
    await cell.getByTestId('sql-cancel').click();
    await expect.poll(() => cell.getByTestId('sql-error').textContent(), within).toMatch(/cancel/i);
    await shot('sql');
  });

  it('cancels an iteration mid-stage, then resumes it to done', async () => {
    await page.getByTestId('run-next').click();
    await expect.poll(() => page.getByTestId('progress').count(), { timeout: 20_000 }).toBe(1);
    // Mid-stage: once a stage reports count/total.
    await expect.poll(() => page.getByTestId('progress').textContent(), { timeout: 120_000, interval: 100 }).toMatch(/\d+\/\d+/);
    await page.getByTestId('cancel').click();
    await expect.poll(() => page.getByTestId('loop-state').textContent(), { timeout: 120_000, interval: 250 }).toMatch(/stopped|idle/);
    await expect.poll(() => iterationStatus(2), within).not.toBe('done');
    await shot('cancelled');
    await page.getByTestId('run-next').click();
    await expect.poll(() => iterationStatus(2), { timeout: 240_000, interval: 500 }).toBe('done');
    expect(failures).toEqual([]);
  }, 600_000);

  it('says so when a new run is started from a config that does not load', async () => {
    const bad = join(workspace, 'bad.jsonc');
    writeFileSync(bad, '{ "iterations": "many" }');
    await page.getByRole('button', { name: 'New run…' }).click();
    await page.getByLabel('Run name').fill('second');
    await page.getByLabel('Config file path').fill(bad);
    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => page.getByTestId('run-message').textContent(), within).toMatch(/bad\.jsonc/);
  });
});
