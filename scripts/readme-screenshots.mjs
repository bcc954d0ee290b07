// The README's screenshots, from a real run: serves the workspace in web mode, opens it in Debian's Chromium
// (playwright-core, never a downloaded browser), checks that every view shows that run's data, and writes
// docs/screenshot.png (hard negative in the diff, queue, log) and docs/screenshot-notebook.png (iteration cells).
// Reads only: it labels nothing. Usage: node scripts/readme-screenshots.mjs --workspace DIR [--out docs]
/* global document, window -- the callbacks of waitForFunction run in the page */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({ options: { workspace: { type: 'string' }, out: { type: 'string', default: 'docs' } } });
if (!values.workspace) {
  console.error('readme-screenshots: --workspace DIR is required (a workspace holding a finished run)');
  process.exit(2);
}
mkdirSync(values.out, { recursive: true });

const server = spawn(process.execPath, ['bin/rewardranker.js', 'serve', '--port', '0', '--workspace', values.workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let seen = '';
  server.stdout.on('data', (chunk) => {
    seen += chunk.toString();
    const found = seen.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/)?.[0];
    if (found) resolve(found);
  });
  server.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its URL`)));
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none', '--force-color-profile=srgb', '--disable-background-networking'],
});
const checks = [];
const check = (view, ok, detail) => checks.push({ view, ok, detail });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  const shot = (name) => page.screenshot({ path: join(values.out, name), animations: 'disabled', caret: 'hide' });
  const wait = (selector) => page.waitForSelector(selector, { timeout: 60_000 });

  // Metrics: every iteration cell done, with its headline figures and stage durations.
  await wait('[data-testid^="iteration-cell-"] [data-testid="metrics-table"]');
  const cells = await page.$$eval('[data-testid^="iteration-cell-"]', (all) =>
    all.map((cell) => ({
      id: cell.getAttribute('data-testid'),
      status: cell.querySelector('[data-testid="iteration-status"]')?.textContent?.trim(),
      rerank: cell.querySelector('[data-metric="rerank_pass1"] .value')?.textContent?.trim() ?? null,
      durations: [...cell.querySelectorAll('li[data-state="done"]')].map((li) => li.getAttribute('data-duration')),
      baselines: cell.querySelector('[data-testid="baselines-table"]') !== null,
      ppo: cell.querySelectorAll('[data-testid="ppo-chart"]').length,
    })),
  );
  for (const c of cells) {
    check(`metrics ${c.id}`, c.status === 'done' && c.rerank !== null && c.rerank !== '–', `status ${c.status}, rerank@1 ${c.rerank}`);
    check(`stage durations ${c.id}`, c.durations.length > 0 && c.durations.every((d) => d !== ''), `${c.durations.length} done stages, durations ${c.durations.join(' ')}`);
    check(`baselines ${c.id}`, c.baselines, c.baselines ? 'shown' : 'none stored');
    checks.push({ view: `ppo ${c.id}`, ok: true, detail: `${c.ppo} PPO charts (none where the run's config ran no PPO)` });
  }
  // Histograms of the inspected (last) iteration, against the one before.
  await wait('[data-testid="histogram"]');
  const histogram = await page.$eval('[data-testid="histogram"]', (h) => ({
    iteration: h.getAttribute('data-iteration'),
    compared: h.getAttribute('data-compared'),
    bins: ['passing', 'failing'].map((k) => (h.getAttribute(`data-${k}`) ?? '').split(',').reduce((a, b) => a + Number(b || 0), 0)),
    bars: h.querySelectorAll('rect.bar').length,
  }));
  check('histograms', histogram.bins[0] + histogram.bins[1] > 0 && histogram.bars > 0, JSON.stringify(histogram));
  await shot('screenshot-notebook.png');

  // Hard negatives: the list, and the first one opened beside its problem's best passing candidate.
  await page.click('[data-testid="tab-hard-negatives"]');
  await wait('[data-testid="hn-total"]');
  await page.waitForFunction(() => /^\d+/.test(document.querySelector('[data-testid="hn-total"]')?.textContent ?? ''), null, { timeout: 30_000 });
  const total = await page.textContent('[data-testid="hn-total"]');
  check('hard negatives', Number.parseInt(total, 10) > 0, total);
  if (Number.parseInt(total, 10) > 0) {
    await page.click('[data-testid="hn-row"]');
    await wait('[data-testid="hn-detail"]');
    await page.waitForFunction(() => (window.__rewardrankerDiffs?.['hard-negative']?.modified() ?? '').length > 0, null, { timeout: 60_000 });
  }
  // The labelling queue of the inspected iteration.
  const queue = await page.$$eval('[data-testid="queue-items"] li', (items) => items.length);
  const progress = await page.textContent('[data-testid="queue-progress"]').catch(() => null);
  check('labelling queue', queue > 0, `${queue} disputed samples listed; ${progress?.trim()}`);
  await page.waitForTimeout(500);
  await shot('screenshot.png');

  // Ranked candidates of a problem, top pick against the best passing one in the diff.
  await page.click('[data-testid="tab-candidates"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ranked-candidates"] tbody tr').length > 0, null, { timeout: 30_000 });
  await page.waitForFunction(() => (window.__rewardrankerDiffs?.['candidates']?.modified() ?? '').length > 0, null, { timeout: 60_000 });
  const ranked = await page.$$eval('[data-testid="ranked-candidates"] tbody tr', (rows) => rows.length);
  const tests = await page.$$eval('[data-testid="execution"] dd', (dds) => dds.map((d) => d.textContent?.trim()));
  check('ranked diff', ranked > 1, `${ranked} candidates of the first problem; execution fields ${tests.join(' | ')}`);
  await shot('screenshot-candidates.png');
  check('no page errors', errors.length === 0, errors.join('; ') || 'none');
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'MISS'} ${c.view}: ${c.detail}`);
process.exit(checks.every((c) => c.ok) ? 0 : 1);
