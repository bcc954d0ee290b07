import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawOutcome, SandboxFile } from '../../../core/sandbox/isolation/types';
import type { Prepared, ProgramContext } from '../../../core/sandbox/language';
import { tarArchive, sh } from '../../../core/sandbox/languages/compiled-common';
import { cpp } from '../../../core/sandbox/languages/cpp';
import { csharp } from '../../../core/sandbox/languages/csharp';
import { go } from '../../../core/sandbox/languages/go';
import { java } from '../../../core/sandbox/languages/java';
import { rust } from '../../../core/sandbox/languages/rust';
import { emptyOutput } from '../../../core/sandbox/verdict';

const multiplE = (warm: boolean): ProgramContext => ({ harness: 'multipl-e', link: [], warm });
const humanEvalX: ProgramContext = { harness: 'humaneval-x', link: ['crypto'], warm: true };

function file(prepared: Prepared, path: string): string {
  if (!prepared.ok) throw new Error(`not prepared: ${prepared.message}`);
  const found = prepared.files.find((f: SandboxFile) => f.path === path);
  if (!found) throw new Error(`no ${path}`);
  return typeof found.content === 'string' ? found.content : Buffer.from(found.content).toString('utf8');
}

function outcome(part: Partial<RawOutcome>): RawOutcome {
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    outputLimitExceeded: false,
    wallMs: 1,
    cpuMs: 1,
    stdout: emptyOutput(),
    stderr: emptyOutput(),
    collected: {},
    sandboxError: null,
    supervisorLost: false,
    ...part,
  };
}
const text = (t: string) => ({ text: t, bytes: t.length, truncated: false });

describe('tar artifacts', () => {
  it('are read back by tar with the same names and bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-tar-'));
    const files = [
      { path: 'Problem.class', content: Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 1, 2]) },
      { path: 'Problem$1.class', content: Buffer.alloc(1500, 7) },
    ];
    writeFileSync(join(dir, 'a.tar'), tarArchive(files));
    expect(execFileSync('tar', ['tf', 'a.tar'], { cwd: dir, encoding: 'utf8' }).trim().split('\n')).toEqual(['Problem.class', 'Problem$1.class']);
    execFileSync('tar', ['xf', 'a.tar'], { cwd: dir });
    for (const f of files) expect(readFileSync(join(dir, f.path)).equals(f.content)).toBe(true);
  });

  it('shell words are quoted only when needed', () => {
    expect(sh('/usr/bin/g++')).toBe('/usr/bin/g++');
    expect(sh("it's here")).toBe(`'it'\\''s here'`);
  });
});

describe('C++ build commands', () => {
  const program = '#include<assert.h>\n#include<bits/stdc++.h>\n// doc\nlong f() {\n    return 1;\n}\nint main() { assert(f() == 1); }\n';

  it('warm force-includes the precompiled header only when the program starts with the same include', async () => {
    expect(file(await cpp.prepareProgram(program, multiplE(true)), 'build.sh')).toMatch(/-include \S+pch\.h main\.cpp/);
    const defined = `#define int long\n${program}`;
    expect(file(await cpp.prepareProgram(defined, multiplE(true)), 'build.sh')).not.toContain('-include');
  });

  it("the baseline is MultiPL-E's plain command; HumanEval-X is CodeGeeX's -std=c++11 with its libraries", async () => {
    expect(file(await cpp.prepareProgram(program, multiplE(false)), 'build.sh')).toBe('exec /usr/bin/g++ -std=c++17 main.cpp -o artifact\n');
    expect(file(await cpp.prepareProgram(program, humanEvalX), 'build.sh')).toMatch(/-std=c\+\+11 .*main\.cpp -o artifact -lcrypto\n$/);
  });
});

describe('Rust build commands', () => {
  it('HumanEval-X builds the tests with rustc --test in edition 2021; MultiPL-E a plain program', async () => {
    expect(file(await rust.prepareProgram('fn main() {}', humanEvalX), 'build.sh')).toMatch(/rustc --test --edition 2021 /);
    expect(file(await rust.prepareProgram('fn main() {}', multiplE(false)), 'build.sh')).toBe('exec /usr/bin/rustc main.rs -o artifact\n');
    expect(file(await rust.prepareProgram('fn main() {}', multiplE(true)), 'build.sh')).toContain('prefer-dynamic');
  });

  it('reads tests passed / total from the test harness summary', () => {
    const stdout = text('running 1 test\ntest tests::a ... FAILED\n\ntest result: FAILED. 2 passed; 1 failed; 0 ignored\n');
    expect(rust.classify(outcome({ exitCode: 101, stdout }))).toEqual({ status: 'Exception', testsPassed: 2, testsTotal: 3 });
  });
});

describe('support files', () => {
  it('HumanEval-X Go without its module files names what is missing', async () => {
    await expect(go.prepareProgram('package main', { ...humanEvalX, supportDir: tmpdir() })).rejects.toThrow(/go\.mod, go\.sum and vendor\.tar\.gz/);
  });

  it('MultiPL-E Java that imports javatuples without the jar names it', async () => {
    await expect(java.prepareProgram('import org.javatuples.*;\nclass Problem {}', { ...multiplE(false), supportDir: tmpdir() })).rejects.toThrow(
      /javatuples-1\.2\.jar beside the problem file/,
    );
  });
});

describe('C# verdicts follow MultiPL-E (mono exits 0 when a Debug.Assert fails)', () => {
  it('judges by stderr, not by the exit code', () => {
    const failText = text('---- DEBUG ASSERTION FAILED ----\n  at System.Diagnostics.DefaultTraceListener.Fail (System.String message)\n');
    expect(csharp.classify(outcome({ exitCode: 0, stderr: failText })).status).toBe('Exception');
    expect(csharp.classify(outcome({ exitCode: 1 })).status).toBe('OK');
    expect(csharp.classify(outcome({ exitCode: null, signal: 'SIGSEGV' })).status).toBe('Exception');
    expect(csharp.classify(outcome({ exitCode: 1, stderr: text('Unhandled Exception:\nSystem.OutOfMemoryException') })).status).toBe('MemoryLimit');
  });
});
