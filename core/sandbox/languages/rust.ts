import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { classifyExit } from '../classify';
import { DEFAULT_CONTEXT, type Language } from '../language';
import type { RawOutcome } from '../isolation/types';
import type { Classification } from '../verdict';
import { ARTIFACT, compiledStep, isWarm, runScript, shLine } from './compiled-common';

// Debian's rustc by its full path: a rustup toolchain (~/.cargo/bin) may come first on PATH, and the sandbox
// hides home directories anyway.
const RUSTC = '/usr/bin/rustc';

const targetLibdir = (() => {
  let dir: Promise<string> | null = null;
  return () => (dir ??= promisify(execFile)(RUSTC, ['--print', 'target-libdir']).then((r) => r.stdout.trim()));
})();

/**
 * Link the standard library dynamically (it is most of what a static link writes and reads), one codegen unit,
 * and the gold linker: about half of rustc's time per candidate here, with the same language semantics (same
 * edition, debug assertions and overflow checks as MultiPL-E's plain `rustc`).
 */
async function warmFlags(): Promise<string[]> {
  const libdir = await targetLibdir();
  return ['-C', 'prefer-dynamic', '-C', `link-args=-Wl,-rpath,${libdir}`, '-C', 'codegen-units=1', '-C', 'link-arg=-fuse-ld=gold'];
}

/** The test harness's summary ("test result: ok. 1 passed; 0 failed") gives tests passed / total. */
function classify(outcome: RawOutcome): Classification {
  const base = classifyExit(outcome, { memoryError: /memory allocation of \d+ bytes failed/ });
  const summary = /test result: \w+\. (\d+) passed; (\d+) failed/.exec(outcome.stdout.text);
  if (!summary) return base;
  const passed = Number(summary[1]);
  return { ...base, testsPassed: passed, testsTotal: passed + Number(summary[2]) };
}

/**
 * MultiPL-E eval_rust.py: `rustc file -o bin` (edition 2015), run; CodeGeeX (HumanEval-X): the tests under
 * `cargo test` in edition 2021, here `rustc --test --edition 2021`. A failed compile is a SyntaxError; then exit 0
 * is OK, anything else (a panic) an Exception.
 */
export const rust: Language = {
  id: 'rust',
  displayName: 'Rust',
  multiplE: 'rs',
  debianPackages: ['rustc'],
  executables: [RUSTC],
  memory: 'address-space',
  async prepareProgram(program, context = DEFAULT_CONTEXT) {
    const harness = context.harness === 'humaneval-x' ? ['--test', '--edition', '2021'] : [];
    const flags = isWarm(context) ? await warmFlags() : [];
    const build = [RUSTC, ...harness, ...flags, 'main.rs', '-o', ARTIFACT];
    return {
      ok: true,
      files: [
        { path: 'main.rs', content: program },
        { path: 'build.sh', content: `exec ${shLine(build)}\n` },
        { path: 'run.sh', content: `chmod +x ${ARTIFACT} && exec ./${ARTIFACT}\n` },
      ],
    };
  },
  compile: compiledStep,
  run: runScript,
  classify,
  smoke: {
    ok: 'fn add(a: i32, b: i32) -> i32 { a + b }\nfn main() { assert_eq!(add(2, 3), 5); }\n',
    notOk: 'fn main() { assert_eq!(1 + 1, 3); }\n',
  },
};
