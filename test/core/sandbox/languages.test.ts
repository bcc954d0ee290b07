import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../core/sandbox/languages/index';
import { SandboxRunner } from '../../../core/sandbox/runner';
import type { Status } from '../../../core/sandbox/verdict';

/** Per language: a syntax error and an endless loop, in that language's own words. */
const broken: Record<string, { syntax: string; loop: string }> = {
  python: { syntax: 'def f(:\n    pass\n', loop: 'while True:\n    pass\n' },
  javascript: { syntax: 'function f( {\n', loop: 'while (true) {}\n' },
  typescript: { syntax: 'function f(x: number {\n', loop: 'while (true) {}\n' },
  php: { syntax: '<?php\nfunction f( {\n', loop: '<?php\nwhile (true) {}\n' },
  bash: { syntax: 'f() {\n', loop: 'while true; do :; done\n' },
  lua: { syntax: 'local x = = 1\n', loop: 'while true do end\n' },
  ruby: { syntax: 'def f(\n', loop: 'loop do end\n' },
};

const runner = new SandboxRunner({ jobs: 2 });
afterAll(() => runner.close());

const mine = LANGUAGES.filter((l) => l.id in broken);

describe('each language: correct, wrong, syntax error, endless loop', () => {
  it('covers the seven interpreted languages', () => {
    expect(mine.map((l) => l.id).sort()).toEqual(Object.keys(broken).sort());
  });

  it('classifies like MultiPL-E', async () => {
    const cases = mine.flatMap((l) => [
      { language: l.id, program: l.smoke.ok, want: 'OK' as Status },
      { language: l.id, program: l.smoke.notOk, want: 'Exception' as Status },
      { language: l.id, program: broken[l.id]!.syntax, want: 'SyntaxError' as Status },
      { language: l.id, program: broken[l.id]!.loop, want: 'Timeout' as Status, limits: { timeoutMs: 1500 } },
    ]);
    const results = await runner.runBatch(cases);
    const got = cases.map((c, i) => `${c.language} ${c.want}: ${results[i]!.status} ${results[i]!.detail ?? ''}`);
    expect(got).toEqual(cases.map((c, i) => `${c.language} ${c.want}: ${c.want} ${results[i]!.detail ?? ''}`));
    for (const [i, c] of cases.entries()) {
      const r = results[i]!;
      if (c.want === 'OK') expect(r.detail).toBeNull();
      if (c.want === 'Timeout') expect(r.wallMs).toBeLessThan(4000);
    }
  });

  it('reports tests passed / total where the harness prints them (luaunit, test/unit)', async () => {
    const lua = LANGUAGES.find((l) => l.id === 'lua')!;
    const ruby = LANGUAGES.find((l) => l.id === 'ruby')!;
    const [luaOk, luaBad, rubyOk, rubyBad] = await runner.runBatch([
      { language: 'lua', program: lua.smoke.ok },
      { language: 'lua', program: lua.smoke.notOk },
      { language: 'ruby', program: ruby.smoke.ok },
      { language: 'ruby', program: ruby.smoke.notOk },
    ]);
    expect([luaOk!.testsPassed, luaOk!.testsTotal, luaBad!.testsPassed, luaBad!.testsTotal]).toEqual([1, 1, 0, 1]);
    expect([rubyOk!.testsPassed, rubyOk!.testsTotal, rubyBad!.testsPassed, rubyBad!.testsTotal]).toEqual([1, 1, 0, 1]);
  });

  it('counts a Python program\'s asserts as its tests: all on OK, those before the failing one, MultiPL-E\'s check() too', async () => {
    const f = 'def f(x):\n    assert x is not None  # the candidate\'s own assert is no test\n    return x * 2\n';
    const flat = (second: string): string => `${f}\nassert f(1) == 2\nassert f(2) == ${second}\nassert f(3) == 6\n`;
    const check = `${f}\n\ndef check(candidate):\n    assert candidate(1) == 2\n    assert candidate(2) == 5\n\ndef test_check():\n    check(f)\n\ntest_check()\n`;
    const raises = `def f(x):\n    return [][x]\n\nassert f(0) == 1\nassert f(1) == 2\n`;
    const results = await runner.runBatch([
      { language: 'python', program: flat('4') },
      { language: 'python', program: flat('5') },
      { language: 'python', program: check },
      { language: 'python', program: raises },
      { language: 'python', program: 'def f(:\n    pass\nassert f() == 1\n' },
      { language: 'python', program: 'print("no tests")\n' },
    ]);
    expect(results.map((r) => [r.status, r.testsPassed, r.testsTotal])).toEqual([
      ['OK', 3, 3],
      ['Exception', 1, 3],
      ['Exception', 1, 2],
      ['Exception', 0, 2],
      ['SyntaxError', 0, 1],
      ['OK', null, null],
    ]);
  });

  it('HumanEval-X JavaScript fails a program that prints (console.assert prints instead of throwing)', async () => {
    const program = 'console.assert(1 + 1 === 3);\n';
    const multiple = await runner.run({ language: 'javascript', program });
    const humanevalX = await runner.run({ language: 'javascript', program, context: { harness: 'humaneval-x', link: [] } });
    expect(multiple.status).toBe('OK');
    expect(humanevalX.status).toBe('Exception');
    expect(humanevalX.cached).toBe(false);
  });

  it('TypeScript: warm strips types with esbuild; the baseline (warm: false) type-checks with tsc, MultiPL-E\'s way', async () => {
    const typeError = 'const n: number = "text";\nconsole.log(n);\n';
    const baseline = { harness: 'multipl-e' as const, link: [], warm: false };
    const [warm, checked, passing] = await runner.runBatch([
      { language: 'typescript', program: typeError },
      { language: 'typescript', program: typeError, context: baseline },
      { language: 'ts', program: 'const n: number = 5;\nif (n !== 5) throw new Error("no");\n', context: baseline },
    ]);
    expect(warm!.status).toBe('OK');
    expect([checked!.status, checked!.phase]).toEqual(['SyntaxError', 'compile']);
    expect(checked!.detail).toMatch(/TS2322/);
    expect([passing!.status, passing!.phase]).toEqual(['OK', 'run']);
  });

  it('a warm worker leaks nothing from one program to the next: files, module state, random seeds', async () => {
    const one = new SandboxRunner({ jobs: 1 });
    try {
      const leaks = {
        python: ['import math, os\nmath.pi = 3\nopen("left.txt", "w").write("x")\n', 'import math, os\nassert math.pi > 3.1\nassert not os.path.exists("left.txt")\n'],
        ruby: ['Math.send(:remove_const, :PI)\nMath.const_set(:PI, 3)\nFile.write("left.txt", "x")\n', 'raise "leak" if Math::PI < 3.1 || File.exist?("left.txt")\n'],
        php: ['<?php\nfile_put_contents("left.txt", "x");\nfunction leaked() {}\n', '<?php\nif (file_exists("left.txt") || function_exists("leaked")) exit(1);\n'],
        bash: ['echo x > left.txt\n', '[ ! -e left.txt ]\n'],
        // SysV shared memory lives in the sandbox's IPC namespace, which outlives a program.
        'python ': [
          'import ctypes\nlibc = ctypes.CDLL(None)\nassert libc.shmget(0x5eed, 1 << 20, 0o1600) >= 0\n',
          'import ctypes\nlibc = ctypes.CDLL(None)\nassert libc.shmget(0x5eed, 0, 0o600) == -1\n',
        ],
      };
      for (const [language, [first, second]] of Object.entries(leaks)) {
        const a = await one.run({ language: language.trim(), program: first! });
        const b = await one.run({ language: language.trim(), program: second! });
        expect(`${language}: ${a.status} ${b.status} ${b.detail ?? ''}`).toBe(`${language}: OK OK `);
      }
      const draws = await Promise.all(
        [1, 2].map((i) => one.run({ language: 'python', program: `import random, sys\nprint(random.random(), sys.argv, __name__)  # ${i}\n` })),
      );
      expect(draws[0]!.stdout.text).not.toBe(draws[1]!.stdout.text);
      expect(draws[0]!.stdout.text).toMatch(/ \['main\.py'\] __main__\n$/);
      // As a fresh interpreter does on exit: non-daemon threads finish, then atexit functions run.
      const exit = await one.run({
        language: 'python',
        program: 'import atexit, threading, time\natexit.register(lambda: print("atexit"))\nthreading.Thread(target=lambda: (time.sleep(0.2), print("thread"))).start()\n',
      });
      expect(exit.stdout.text).toBe('thread\natexit\n');
      // Ruby and PHP programs run in forks of their zygotes (the warm path the tests above exercised).
      const parents = await Promise.all([
        one.run({ language: 'ruby', program: 'print File.read("/proc/#{Process.ppid}/comm")\n' }),
        one.run({ language: 'php', program: '<?php\necho file_get_contents("/proc/" . posix_getppid() . "/comm");\n' }),
        one.run({ language: 'python', program: 'import os\nprint(open("/proc/%d/comm" % os.getppid()).read(), end="")\n' }),
      ]);
      expect(parents.map((r) => r.stdout.text.trim())).toEqual(['ruby', 'php', 'python3']);
    } finally {
      await one.close();
    }
  });

  it('JavaScript and TypeScript: each program is a fresh node; globals, patched builtins, V8 flags, files do not carry over', async () => {
    // What a program sharing a process with the next one (node worker_threads, say) could leave behind: globals and
    // builtins are per isolate there, but V8 flags, the process's memory and its pid are shared.
    const first = [
      'globalThis.leaked = 1;',
      "Array.prototype.map = () => 'patched';",
      "JSON.stringify = () => 'patched';",
      "require('node:v8').setFlagsFromString('--use-strict');",
      "require('node:fs').writeFileSync('left.txt', 'x');",
      "process.stdout.write(String(process.pid));",
    ].join('\n');
    const second = [
      "if (typeof globalThis.leaked !== 'undefined') throw new Error('global leaked');",
      "if ([1].map((x) => x + 1)[0] !== 2) throw new Error('Array.prototype.map leaked');",
      "if (JSON.stringify([1]) !== '[1]') throw new Error('JSON.stringify leaked');",
      'undeclared = 1; // a ReferenceError if --use-strict leaked',
      "if (require('node:fs').existsSync('left.txt')) throw new Error('file leaked');",
      "process.stdout.write(String(process.pid));",
    ].join('\n');
    const one = new SandboxRunner({ jobs: 1 });
    try {
      for (const language of ['javascript', 'typescript']) {
        const a = await one.run({ language, program: first });
        const b = await one.run({ language, program: second });
        expect(`${language}: ${a.status} ${b.status} ${b.detail ?? ''}`).toBe(`${language}: OK OK `);
        expect(a.stdout.text).toMatch(/^\d+$/);
        expect(b.stdout.text).not.toBe(a.stdout.text);
      }
    } finally {
      await one.close();
    }
  });

  it('JavaScript: exit codes, output before exit, async errors and timers end as in a fresh node', async () => {
    const cases: { program: string; status: Status; exitCode: number | null; stdout?: string; stdoutBytes?: number; stderr?: RegExp }[] = [
      { program: 'process.exit(3);\n', status: 'Exception', exitCode: 3 },
      { program: "process.stdout.write('x'.repeat(100000));\nprocess.exit(0);\n", status: 'OK', exitCode: 0, stdoutBytes: 100000 },
      { program: "process.on('exit', (code) => console.log('exit', code));\nprocess.exitCode = 4;\n", status: 'Exception', exitCode: 4, stdout: 'exit 4\n' },
      { program: "setTimeout(() => { throw new Error('late'); }, 10);\n", status: 'Exception', exitCode: 1, stderr: /Error: late/ },
      { program: "Promise.reject(new Error('rejected'));\n", status: 'Exception', exitCode: 1, stderr: /Error: rejected/ },
      // MultiPL-E's eval_javascript looks for "SyntaxError" anywhere in stderr, so a runtime one counts too.
      { program: "setTimeout(() => JSON.parse('{'), 10);\n", status: 'SyntaxError', exitCode: 1, stderr: /SyntaxError/ },
      { program: "require('node:assert').deepEqual([1], [2]);\n", status: 'Exception', exitCode: 1, stderr: /AssertionError \[ERR_ASSERTION\]/ },
      { program: 'setInterval(() => {}, 1000);\n', status: 'Timeout', exitCode: null },
    ];
    // Only the endless case needs a short limit; the others get room for node's start-up on a loaded machine.
    const results = await runner.runBatch(
      cases.map((c) => ({ language: 'javascript', program: c.program, limits: { timeoutMs: c.status === 'Timeout' ? 1500 : 10_000 } })),
    );
    for (const [i, c] of cases.entries()) {
      const r = results[i]!;
      expect(`${c.program}: ${r.status} ${r.exitCode}`).toBe(`${c.program}: ${c.status} ${c.exitCode}`);
      if (c.stdout !== undefined) expect(r.stdout.text).toBe(c.stdout);
      // node writes to a pipe without blocking: what process.exit leaves unsent depends on how fast the reader
      // drains, exactly as for a fresh node outside the sandbox. At least the first pipe buffer always arrives.
      if (c.stdoutBytes !== undefined) expect(r.stdout.bytes).toBeGreaterThanOrEqual(Math.min(c.stdoutBytes, 65536));
      if (c.stderr) expect(r.stderr.text).toMatch(c.stderr);
    }
  });

  it('keeps stdout and stderr to 2048 bytes each, with truncation flags, and counts the rest', async () => {
    const r = await runner.run({
      language: 'python',
      program: 'import sys\nprint("é" * 3000)\nsys.stderr.write("e" * 100)\n',
    });
    expect(r.status).toBe('OK');
    expect(r.stdout.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout.text)).toBeLessThanOrEqual(2048);
    expect(r.stdout.text).toBe('é'.repeat(1024));
    expect(r.stdout.bytes).toBe(6001);
    expect(r.stderr).toEqual({ text: 'e'.repeat(100), bytes: 100, truncated: false });
  });
});
