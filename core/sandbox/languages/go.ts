import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CONTEXT, type Language } from '../language';
import type { RawOutcome } from '../isolation/types';
import { buildOnce, ensureToolchainRoot } from '../toolchains/cache-root';
import { runTrustedSetup } from '../toolchains/trusted-run';
import type { Classification } from '../verdict';
import { ARTIFACT, compiledStep, isWarm, runScript, shLine } from './compiled-common';

const GO = '/usr/bin/go';
// Packages the benchmarks' Go programs import (MultiPL-E: testing, fmt; HumanEval-X adds these and testify).
const STD_IMPORTS = ['testing', 'fmt', 'math', 'strings', 'sort', 'strconv', 'math/rand', 'time', 'regexp', 'bytes', 'crypto/md5'];
const TESTIFY = 'github.com/stretchr/testify/assert';
// go ignores a go.mod in the temp dir's root (/tmp in the sandbox), so a module builds one level down.
const MODULE_DIR = 'm';

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex').slice(0, 16);

/** HumanEval-X's module: go.mod and go.sum from the support dir, vendor/ unpacked once into the toolchain cache. */
async function humanEvalXModule(supportDir: string | null | undefined) {
  const files = ['go.mod', 'go.sum', 'vendor.tar.gz'].map((f) => (supportDir ? join(supportDir, f) : ''));
  if (!supportDir || !files.every((f) => existsSync(f))) {
    throw new Error('HumanEval-X Go needs go.mod, go.sum and vendor.tar.gz (testify) beside the problem file');
  }
  const [goMod, goSum, tar] = files.map((f) => readFileSync(f)) as [Buffer, Buffer, Buffer];
  const vendorHash = sha(Buffer.concat([goMod, tar]));
  const dir = await buildOnce(`go-vendor-${vendorHash}`, async (d) => {
    await promisify(execFile)('tar', ['xzf', join(supportDir, 'vendor.tar.gz'), '-C', d]);
    writeFileSync(join(d, 'go.mod'), goMod);
  });
  return { goMod, goSum, vendor: join(dir, 'vendor'), vendorHash };
}

const goVersion = (() => {
  let version: Promise<string> | null = null;
  return () => (version ??= promisify(execFile)(GO, ['env', 'GOVERSION']).then((r) => r.stdout.trim()));
})();

function compileEnv(cache: string, vendored: boolean): Record<string, string> {
  // cgo stays as MultiPL-E has it (on): the standard library then comes precompiled from GOROOT, and a build with
  // cgo runs gcc inside the same sandbox as any other compile step.
  const env: Record<string, string> = { GOCACHE: cache, GOPATH: '/tmp/go', GOPROXY: 'off' };
  if (vendored) env['GOFLAGS'] = '-mod=vendor';
  return env;
}

/**
 * A Go build cache filled once, in a sandbox, from our own sample programs (never a candidate's), and then given
 * read-only to every candidate's build: `go test` only reads it (writes fail quietly), so no candidate can poison
 * it for the next, and each build skips recompiling testify, the test main's dependencies and vet's facts.
 */
async function prewarmedCache(vendor: { path: string; hash: string } | null): Promise<string | null> {
  const name = `go-cache-${await goVersion()}-cgo-${vendor ? vendor.hash : 'std'}`;
  const imports = [...STD_IMPORTS, ...(vendor ? [TESTIFY] : [])].map((p) => `_ "${p}"`).join('\n');
  const sample = `package main\n\nimport (\n${imports}\n)\n\nfunc TestSample(t *testing.T) {}\n`.replace('_ "testing"', '"testing"');
  try {
    return await buildOnce(name, async (cache) => {
      const work = mkdtempSync(join(tmpdir(), 'rr-go-warm-'));
      try {
        // The same layout as a candidate's build (see prepare), so the cached actions match.
        const dir = vendor ? join(work, MODULE_DIR) : work;
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'main_test.go'), sample);
        if (vendor) {
          writeFileSync(join(dir, 'go.mod'), readFileSync(join(vendor.path, '..', 'go.mod')));
          symlinkSync(vendor.path, join(dir, 'vendor'));
        }
        const build = shLine([GO, 'test', '-c', '-o', `/tmp/${ARTIFACT}`, 'main_test.go']);
        const result = await runTrustedSetup(['/bin/sh', '-c', vendor ? `cd ${MODULE_DIR} && ${build}` : build], {
          workDir: work,
          writable: [cache],
          env: compileEnv(cache, vendor !== null),
          timeoutMs: 300_000,
        });
        if (result === null || result.exitCode !== 0) throw new Error(`go cache prewarm failed: ${result?.output ?? 'no sandbox'}`);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  } catch {
    // Without the prewarmed cache builds are only slower: each starts from an empty cache, as the baseline does.
    return null;
  }
}

/**
 * MultiPL-E eval_go.py: `go test file_test.go`; "[build failed]"/"[setup failed]" is a SyntaxError (vet findings
 * included), FAIL in the output an Exception. CodeGeeX (HumanEval-X): `go test main_test.go` in a module with the
 * vendored testify; exit 0 passes. We build the test binary (go test -c: the same build and vet) in the compile step
 * and run it in the run step, so a build never shares a sandbox with candidate code.
 */
function classify(outcome: RawOutcome): Classification {
  const failed = outcome.exitCode !== 0 || outcome.signal !== null || outcome.stdout.text.includes('FAIL');
  const memory = /runtime: out of memory|fatal error: out of memory/.test(outcome.stderr.text);
  return { status: memory ? 'MemoryLimit' : failed ? 'Exception' : 'OK', testsPassed: null, testsTotal: null };
}

export const go: Language = {
  id: 'go',
  displayName: 'Go',
  multiplE: 'go',
  debianPackages: ['golang-go'],
  executables: [GO],
  get readOnlyPaths() {
    return [ensureToolchainRoot()];
  },
  memory: 'runtime',
  async prepareProgram(program, context = DEFAULT_CONTEXT) {
    const module = context.harness === 'humaneval-x' ? await humanEvalXModule(context.supportDir) : null;
    const warmCache = isWarm(context) ? await prewarmedCache(module ? { path: module.vendor, hash: module.vendorHash } : null) : null;
    const env = compileEnv(warmCache ?? '/tmp/gocache', module !== null);
    const exports = Object.entries(env).map(([k, v]) => `${k}=${shLine([v])}`).join(' ');
    const enter = module
      ? `mkdir ${MODULE_DIR} && mv main_test.go go.mod go.sum ${MODULE_DIR}/ && cd ${MODULE_DIR} && ln -s ${shLine([module.vendor])} vendor && `
      : '';
    // Warm links without the symbol table and DWARF (-s -w): a third less binary to write, collect and send back
    // into the run step, the same program (panics and testify's error traces read the pc-line table, which stays).
    const strip = isWarm(context) ? ['-ldflags=-s -w'] : [];
    const build = shLine([GO, 'test', '-c', ...strip, '-o', `/tmp/${ARTIFACT}`, 'main_test.go']);
    const files = [
      { path: 'main_test.go', content: program },
      { path: 'build.sh', content: `export ${exports}\n${enter}exec ${build}\n` },
      { path: 'run.sh', content: `chmod +x ${ARTIFACT} && GOMEMLIMIT="$1"MiB exec ./${ARTIFACT}\n` },
    ];
    if (module) files.push({ path: 'go.mod', content: module.goMod.toString('utf8') }, { path: 'go.sum', content: module.goSum.toString('utf8') });
    return { ok: true, files };
  },
  compile: compiledStep,
  run: runScript,
  classify,
  smoke: {
    ok: 'package main\n\nimport "testing"\n\nfunc add(a, b int) int { return a + b }\n\nfunc TestAdd(t *testing.T) {\n\tif add(2, 3) != 5 {\n\t\tt.Fail()\n\t}\n}\n',
    notOk: 'package main\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif 1+1 != 3 {\n\t\tt.Fail()\n\t}\n}\n',
  },
};
