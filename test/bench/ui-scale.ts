/**
 * The notebook at scale, in Chromium: a synthetic store of 100,000 candidates (ui-store.ts writes it through
 * core/store), served as `rewardranker serve` serves it, opened in Debian's Chromium. Figures, medians over rounds:
 * the time from clicking an iteration to its metrics and histograms drawn (target < 1 s), and frame times while
 * the hard-negative and problem lists scroll (smooth: the median frame near the display's 16.7 ms, few long ones).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { appRoot } from '../../core/app-root';
import { launchChromium } from '../support/chromium';
import { spawnApp } from '../support/spawn-app';
import pageSource from './ui-scale-page.js?raw';
import { writeSyntheticStore } from './ui-store';

export interface UiBenchOptions {
  candidates: number;
  rounds: number;
  log: (line: string) => void;
}

export interface ScrollFigures {
  frame_ms_median: number;
  frame_ms_p95: number;
  long_frames_share: number;
  rows: number;
}

export interface UiBenchResult {
  candidates: number;
  rounds: number;
  load_average_1m: number;
  first_paint_to_histogram_ms: number;
  open_iteration_ms_median: number;
  open_iteration_ms: number[];
  hard_negatives_scroll: ScrollFigures;
  problems_scroll: ScrollFigures;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Evaluates one of ui-scale-page.js's functions in the page. */
function inPage<T>(page: Page, name: 'openIteration' | 'scrollFrames', arg: unknown): Promise<T> {
  return page.evaluate(`(${pageSource.trim().replace(/;$/, '')}).${name}(${JSON.stringify(arg)})`) as Promise<T>;
}

const openIteration = (page: Page, iteration: number): Promise<number> => inPage(page, 'openIteration', iteration);
const scrollFrames = (page: Page, testid: string, ms: number, step: number): Promise<{ frames: number[]; rows: number }> =>
  inPage(page, 'scrollFrames', { testid, ms, step });

function scrollFigures(runs: { frames: number[]; rows: number }[]): ScrollFigures {
  const frames = runs.flatMap((r) => r.frames);
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    frame_ms_median: Number(median(frames).toFixed(1)),
    frame_ms_p95: Number(sorted[Math.floor(sorted.length * 0.95)]!.toFixed(1)),
    long_frames_share: Number((frames.filter((f) => f > 50).length / frames.length).toFixed(3)),
    rows: runs[0]!.rows,
  };
}

export async function benchUi(options: UiBenchOptions): Promise<UiBenchResult> {
  const workspace = mkdtempSync(join(tmpdir(), 'rr-bench-ui-'));
  try {
    options.log(`writing a synthetic store of ${options.candidates} candidates…`);
    writeSyntheticStore(workspace, { candidates: options.candidates, iterations: 2 });
    const app = await spawnApp([join(appRoot().dir, 'bin', 'rewardranker.js'), 'serve', '--port', '0', '--workspace', workspace], 60_000);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const started = Date.now();
      await page.goto(app.url);
      await page.waitForSelector('[data-testid="histogram"] rect.bar', { timeout: 60_000 });
      const firstPaint = Date.now() - started;
      options.log(`page to first histogram: ${firstPaint} ms`);

      const opens: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        for (const iteration of [0, 1]) {
          const ms = await openIteration(page, iteration);
          opens.push(ms);
          options.log(`round ${round + 1}: iteration ${iteration} shown in ${ms.toFixed(0)} ms`);
        }
      }

      await page.click('[data-testid="tab-hard-negatives"]');
      await page.waitForSelector('[data-testid="hn-row"]', { timeout: 30_000 });
      const hn = [];
      for (let round = 0; round < options.rounds; round++) {
        await page.$eval('[data-testid="hard-negatives"]', (el) => (el.scrollTop = 0));
        hn.push(await scrollFrames(page, 'hard-negatives', 2000, 140));
      }
      await page.click('[data-testid="tab-candidates"]');
      await page.waitForSelector('[data-testid="problems"] [role="listitem"]', { timeout: 30_000 });
      const problems = [];
      for (let round = 0; round < options.rounds; round++) {
        await page.$eval('[data-testid="problems"]', (el) => (el.scrollTop = 0));
        problems.push(await scrollFrames(page, 'problems', 2000, 140));
      }
      if (errors.length > 0) throw new Error(`the page failed: ${errors[0]}`);
      return {
        candidates: options.candidates,
        rounds: options.rounds,
        load_average_1m: Number(loadavg()[0]!.toFixed(1)),
        first_paint_to_histogram_ms: firstPaint,
        open_iteration_ms_median: Number(median(opens).toFixed(0)),
        open_iteration_ms: opens.map((ms) => Number(ms.toFixed(0))),
        hard_negatives_scroll: scrollFigures(hn),
        problems_scroll: scrollFigures(problems),
      };
    } finally {
      await browser.close();
      await app.stop();
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
