import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactCache } from '../../../core/sandbox/artifact-cache';
import { classifyExit } from '../../../core/sandbox/classify';
import { InFlight } from '../../../core/sandbox/in-flight';
import type { Language } from '../../../core/sandbox/language';
import { python } from '../../../core/sandbox/languages/python';
import { SandboxRunner } from '../../../core/sandbox/runner';
import { leaseSharedSandbox } from '../../../core/sandbox/shared-runner';

const cacheDir = mkdtempSync(join(tmpdir(), 'rr-sandbox-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A compiled language built from bash, to exercise the compile step: "compiling" copies the script, slowly. */
const slowCopy: Language = {
  id: 'bash',
  displayName: 'Bash (compiled, test)',
  multiplE: 'sh',
  debianPackages: ['bash'],
  executables: ['/bin/bash'],
  memory: 'address-space',
  prepareProgram: (program) => ({ ok: true, files: [{ path: 'main.sh', content: program }] }),
  compile: {
    command: () => ({ argv: ['/bin/bash', '-c', 'sleep 0.6; bash -n main.sh && cp main.sh built.sh'], collect: ['built.sh'] }),
  },
  run: () => ({ argv: ['/bin/bash', 'built.sh'] }),
  classify: (outcome) => classifyExit(outcome),
  smoke: { ok: 'true\n', notOk: 'false\n' },
};

const missing: Language = {
  ...python,
  displayName: 'Missing tool',
  debianPackages: ['rr-missing-package'],
  executables: ['/nonexistent/rr-missing-tool'],
};

describe('runner', () => {
  it('caches results by language, program and limits, in memory and on disk', async () => {
    const program = 'print("cached?")\n';
    const first = new SandboxRunner({ jobs: 1, cacheDir });
    try {
      const a = await first.run({ language: 'python', program });
      const b = await first.run({ language: 'python', program });
      const c = await first.run({ language: 'python', program, limits: { timeoutMs: 5000 } });
      expect([a.cached, b.cached, c.cached]).toEqual([false, true, false]);
      expect(b.stdout.text).toBe('cached?\n');
      const [d, e] = await Promise.all([
        first.run({ language: 'python', program: 'print(2)\n' }),
        first.run({ language: 'python', program: 'print(2)\n' }),
      ]);
      expect([d.cached, e.cached].sort()).toEqual([false, true]);
    } finally {
      await first.close();
    }
    const second = new SandboxRunner({ jobs: 1, cacheDir });
    try {
      const again = await second.run({ language: 'python', program });
      expect(again).toMatchObject({ status: 'OK', cached: true, stdout: { text: 'cached?\n' } });
    } finally {
      await second.close();
    }
    const files = readdirSync(cacheDir, { recursive: true }).filter((f) => String(f).endsWith('.json'));
    expect(files.length).toBe(3);
    expect(JSON.parse(readFileSync(join(cacheDir, String(files[0])), 'utf8'))).toHaveProperty('status');
  });

  it('compiles once per program, hands the artifact to the run step, and calls a failed compile a SyntaxError', async () => {
    const runner = new SandboxRunner({ jobs: 1, languages: [slowCopy] });
    try {
      const ok = await runner.run({ language: 'bash', program: 'echo built\n' });
      expect(ok).toMatchObject({ status: 'OK', phase: 'run', stdout: { text: 'built\n' } });
      const started = performance.now();
      const again = await runner.run({ language: 'bash', program: 'echo built\n', limits: { timeoutMs: 3000 } });
      expect(again.cached).toBe(false);
      expect(performance.now() - started).toBeLessThan(500);
      const broken = await runner.run({ language: 'bash', program: 'if then fi (\n' });
      expect(broken).toMatchObject({ status: 'SyntaxError', phase: 'compile' });
    } finally {
      await runner.close();
    }
  });

  it('reports a missing toolchain naming its package, as a SandboxError that is not cached', async () => {
    const runner = new SandboxRunner({ jobs: 1, languages: [missing] });
    try {
      expect(runner.availability()).toEqual([
        expect.objectContaining({ available: false, missing: ['/nonexistent/rr-missing-tool'], packages: ['rr-missing-package'] }),
      ]);
      const r = await runner.run({ language: 'python', program: 'print(1)\n' });
      expect(r.status).toBe('SandboxError');
      expect(r.detail).toMatch(/rr-missing-package/);
      expect((await runner.run({ language: 'python', program: 'print(1)\n' })).cached).toBe(false);
    } finally {
      await runner.close();
    }
  });

  it('refuses bad limits and unknown languages without running anything', async () => {
    const runner = new SandboxRunner({ jobs: 1 });
    try {
      const bad = await runner.run({ language: 'python', program: '', limits: { timeoutMs: -1 } });
      expect(bad).toMatchObject({ status: 'SandboxError', detail: 'limits.timeoutMs: expected a positive number, got -1' });
      expect((await runner.run({ language: 'cobol', program: '' })).detail).toBe("unknown language 'cobol'");
    } finally {
      await runner.close();
    }
  });

  it('sizes the temp dir as asked (a warm sandbox has the default size, so another size gets its own sandbox)', async () => {
    const runner = new SandboxRunner({ jobs: 1 });
    const fill = 'with open("big", "wb") as f:\n    f.write(b"x" * (40 * 1024 * 1024))\n';
    try {
      const small = await runner.run({ language: 'python', program: fill, limits: { tempDirBytes: 16 * 1024 ** 2 } });
      const large = await runner.run({ language: 'python', program: fill });
      expect([small.status, large.status]).toEqual(['Exception', 'OK']);
      expect(small.detail).toMatch(/No space left on device/);
    } finally {
      await runner.close();
    }
  });

  it('runs a batch fresh when asked: past the cache and past a run of the same program in progress', async () => {
    const runner = new SandboxRunner({ jobs: 2 });
    try {
      const program = 'import random\nprint(random.random())\n';
      const first = await runner.run({ language: 'python', program });
      const [cached] = await runner.runBatch([{ language: 'python', program }]);
      const [again, twin] = await runner.runBatch([{ language: 'python', program }, { language: 'python', program }], { fresh: true });
      expect([first.cached, cached!.cached, again!.cached, twin!.cached]).toEqual([false, true, false, false]);
      // Three real runs: three different random numbers; the cache still answers with the first.
      expect(new Set([first, again!, twin!].map((r) => r.stdout.text)).size).toBe(3);
      expect((await runner.run({ language: 'python', program })).stdout.text).toBe(first.stdout.text);
    } finally {
      await runner.close();
    }
  });

  it('reports progress once per program', async () => {
    const runner = new SandboxRunner({ jobs: 2 });
    try {
      const seen: number[] = [];
      const results = await runner.runBatch(
        [0, 1, 2, 3].map((i) => ({ language: 'python', program: `assert ${i} % 2 == 0\n` })),
        { onProgress: (p) => seen.push(p.done) },
      );
      expect(seen).toEqual([1, 2, 3, 4]);
      expect(results.map((r) => r.status)).toEqual(['OK', 'Exception', 'OK', 'Exception']);
    } finally {
      await runner.close();
    }
  });
});

describe('process-group fall-back (where bubblewrap cannot run)', () => {
  it('says loudly which guarantees are missing, and still runs, classifies and times out', async () => {
    const runner = new SandboxRunner({ jobs: 2, isolation: 'process-group' });
    try {
      const caps = runner.capabilities;
      expect(caps.mechanism).toBe('process-group');
      expect(caps.guarantees.noNetwork).toBe(false);
      expect(caps.guarantees.pidNamespace).toBe(false);
      expect(caps.warnings[0]).toMatch(/^NOT ISOLATED/);
      expect(caps.warnings.some((w) => /setsid/.test(w))).toBe(true);
      const mark = `rr-fallback-${process.pid}`;
      const [ok, bad, slow] = await runner.runBatch([
        { language: 'python', program: 'print(1)\n' },
        { language: 'bash', program: 'exit 3\n' },
        {
          language: 'python',
          program: `import os\nif os.fork() == 0:\n    os.execv('/bin/sleep', ['${mark}', '300'])\nwhile True:\n    pass\n`,
          limits: { timeoutMs: 800 },
        },
      ]);
      expect([ok!.status, bad!.status, bad!.exitCode, slow!.status]).toEqual(['OK', 'Exception', 3, 'Timeout']);
      // The timeout killed the whole process group, the forked sleeper with it.
      await new Promise((r) => setTimeout(r, 200));
      const left = readdirSync('/proc').filter((p) => {
        try {
          return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(mark);
        } catch {
          return false;
        }
      });
      expect(left).toEqual([]);
    } finally {
      await runner.close();
    }
  });
});

describe('the shared pool', () => {
  it('is one runner sized by the CPUs for every user, closed when the last one releases it', async () => {
    const a = leaseSharedSandbox();
    const b = leaseSharedSandbox();
    expect(b.runner).toBe(a.runner);
    expect(a.runner.jobs).toBe(availableParallelism());
    expect((await b.runner.run({ language: 'python', program: 'print(1)\n' })).status).toBe('OK');
    await a.release();
    await a.release();
    // b still holds it: the same runner, still running programs.
    const c = leaseSharedSandbox();
    expect(c.runner).toBe(b.runner);
    await b.release();
    await c.release();
    const d = leaseSharedSandbox();
    expect(d.runner).not.toBe(a.runner);
    await d.release();
  });
});

describe("the runner's parts", () => {
  it('the artifact cache drops the oldest entries past its budget, and keeps no single huge one', () => {
    const cache = new ArtifactCache();
    // The entries may share one buffer: the cache counts bytes, it does not copy them.
    const block = Buffer.alloc(60 * 1024 ** 2);
    const mb = (n: number) => [{ path: 'a.out', content: n === 60 ? block : Buffer.alloc(n * 1024 ** 2) }];
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, mb(60));
    expect([0, 1, 2, 3, 4].map((i) => cache.get(`k${i}`) !== undefined)).toEqual([false, true, true, true, true]);
    cache.set('huge', mb(65));
    expect(cache.get('huge')).toBeUndefined();
  });

  it('in-flight work is shared by key until it settles', async () => {
    const inFlight = new InFlight<number>();
    let calls = 0;
    let finish: (n: number) => void = () => {};
    const first = inFlight.start('k', () => new Promise<number>((resolve) => ((finish = resolve), calls++)));
    expect(inFlight.get('k')).toBe(first);
    finish(7);
    expect(await first).toBe(7);
    expect(inFlight.get('k')).toBeUndefined();
    expect(calls).toBe(1);
  });
});
