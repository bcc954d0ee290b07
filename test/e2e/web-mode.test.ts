import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { spawnApp, type SpawnedApp } from '../support/spawn-app';

const artifacts = 'test-artifacts';

describe('web mode in Chromium', () => {
  let browser: Browser;
  let app: SpawnedApp;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await launchChromium();
    // What `npm start` runs after building: here the Electron binary is missing, so it falls back to web mode.
    app = await spawnApp(['out/node/launch.js', '--port', '0', '--workspace', mkdtempSync(join(tmpdir(), 'rr-e2e-'))]);
  });
  afterAll(async () => {
    await app?.stop();
    await browser?.close();
  });

  it('npm start says in one line that Electron is missing and serves web mode instead', () => {
    const lines = app.banner.trim().split('\n');
    expect(lines[0]).toMatch(/^Electron binary not installed .*; starting web mode instead\.$/);
    expect(app.banner).toContain('RewardRanker Studio (web mode) is running at:');
  });

  it('renders live app info with the token, and hides the token from the address bar', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const failed: string[] = [];
    page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
    page.on('pageerror', (e) => failed.push(e.message));
    const response = await page.goto(app.url);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toContain('Connected (web mode)');
    const providers = page.getByTestId('execution-providers');
    await expect.poll(() => providers.textContent()).toMatch(/cpu\s*available/);
    expect(await page.getByTestId('app-version').textContent()).toMatch(/^v\d+\.\d+\.\d+/);
    // The sandbox's capabilities: every one of the twelve languages listed with its status.
    const languages = page.getByTestId('sandbox-languages').locator('tbody tr');
    await expect.poll(() => languages.count()).toBe(12);
    expect(await languages.first().textContent()).toMatch(/Python\s*(available|missing)/);
    expect(page.url()).not.toContain('token=');
    // The terminal panel replays the core's log.
    await expect.poll(() => page.getByTestId('terminal').textContent()).toContain('core started');
    const theme = (): Promise<string | undefined> => page.evaluate(() => document.documentElement.dataset.theme);
    const first = await theme();
    const second = first === 'dark' ? 'light' : 'dark';
    await page.screenshot({ path: join(artifacts, `web-mode-${first}.png`) });

    await page.getByRole('button', { name: new RegExp(`switch to ${second} theme`, 'i') }).click();
    expect(await theme()).toBe(second);
    await page.screenshot({ path: join(artifacts, `web-mode-${second}.png`) });
    await page.reload();
    // The cookie carries the session across a reload without the token in the URL; the theme is remembered.
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toContain('Connected');
    expect(await theme()).toBe(second);
    expect(failed).toEqual([]);
    await page.close();
  });

  it('gives a browser without the token a 401 and nothing of the app', async () => {
    const page = await browser.newPage();
    const response = await page.goto(app.url.replace(/\?token=.*/, ''));
    expect(response?.status()).toBe(401);
    expect(await page.content()).not.toContain('id="app"');
    const wrong = await page.goto(app.url.replace(/token=.*/, 'token=0000'));
    expect(wrong?.status()).toBe(401);
    await page.close();
  });

  it('names every control for assistive technology', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toContain('Connected');
    const unnamed = await page.$$eval('button, [role="button"], input, select, textarea', (elements) =>
      elements.filter((el) => !(el.getAttribute('aria-label') || el.textContent?.trim())).map((el) => el.outerHTML),
    );
    expect(unnamed).toEqual([]);
    for (const name of ['Notebook', 'Side panels', 'Core log']) {
      expect(await page.getByLabel(name).count()).toBeGreaterThan(0);
    }
    await page.close();
  });

  it('shows that the core is gone when the server stops', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toContain('Connected');
    await app.stop();
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toContain('Disconnected');
    expect(await page.getByTestId('connection-error').textContent()).toMatch(/cannot be reached/);
    await page.screenshot({ path: join(artifacts, 'web-mode-disconnected.png') });
    await page.close();
  });
});
