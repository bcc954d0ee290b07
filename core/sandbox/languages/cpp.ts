import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { classifyExit } from '../classify';
import { DEFAULT_CONTEXT, type Language, type ProgramContext } from '../language';
import { buildOnce, ensureToolchainRoot } from '../toolchains/cache-root';
import { ARTIFACT, compiledStep, isWarm, runScript, shLine } from './compiled-common';

const GXX = '/usr/bin/g++';

// CodeGeeX's IMPORT_HELPER["cpp"]: every assembled HumanEval-X C++ program includes all of them before any code.
const CODEGEEX_HEADERS = ['stdlib.h', 'algorithm', 'math.h', 'stdio.h', 'vector', 'string', 'climits', 'cstring', 'iostream'];

/**
 * A precompiled header is only used by a force-include (-include) ahead of the program, so it is used only where
 * that changes nothing: MultiPL-E programs whose text before `#include<bits/stdc++.h>` is only #include lines and
 * comments, and HumanEval-X programs that include all of CodeGeeX's headers before any code.
 */
function pchFor(program: string, context: ProgramContext): { name: string; std: string; text: string } | null {
  if (context.harness === 'humaneval-x') {
    const all = CODEGEEX_HEADERS.every((h) => program.includes(`#include<${h}>`));
    if (!all) return null;
    return { name: 'codegeex', std: 'c++11', text: CODEGEEX_HEADERS.map((h) => `#include<${h}>\n`).join('') };
  }
  const at = program.search(/#include\s*<bits\/stdc\+\+\.h>/);
  if (at < 0) return null;
  const before = program
    .slice(0, at)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .every((line) => /^\s*(#\s*include\s*[<"][^>"]+[>"])?\s*(\/\/.*)?$/.test(line));
  return before ? { name: 'stdcxx', std: 'c++17', text: '#include <bits/stdc++.h>\n' } : null;
}

const gxxVersion = (() => {
  let version: Promise<string> | null = null;
  return () => (version ??= promisify(execFile)(GXX, ['-dumpfullversion']).then((r) => r.stdout.trim()));
})();

/**
 * Builds the header once per toolchain cache dir (our fixed text, never a candidate's) and returns its path. If that
 * fails, programs compile without it: slower, same result.
 */
async function precompiledHeader(pch: { name: string; std: string; text: string }): Promise<string> {
  const dir = await buildOnce(`cpp-pch-${pch.name}-${pch.std}-gcc${await gxxVersion()}`, async (dir) => {
    const header = join(dir, 'pch.h');
    writeFileSync(header, pch.text);
    await promisify(execFile)(GXX, [`-std=${pch.std}`, '-x', 'c++-header', header, '-o', `${header}.gch`]);
  });
  return join(dir, 'pch.h');
}

/**
 * MultiPL-E eval_cpp.py: `g++ file -o bin -std=c++17`; CodeGeeX (HumanEval-X): `g++ -std=c++11 test.cpp`, plus
 * -lcrypto -lssl for CPP/162. A failed compile is a SyntaxError; then exit 0 is OK, anything else an Exception.
 * Warm: the same command with a precompiled header force-included (bits/stdc++.h costs ~1 s to parse).
 */
export const cpp: Language = {
  id: 'cpp',
  displayName: 'C++',
  multiplE: 'cpp',
  debianPackages: ['g++'],
  executables: [GXX],
  get readOnlyPaths() {
    return [ensureToolchainRoot()];
  },
  memory: 'address-space',
  async prepareProgram(program, context = DEFAULT_CONTEXT) {
    const std = context.harness === 'humaneval-x' ? 'c++11' : 'c++17';
    const pch = isWarm(context) ? pchFor(program, context) : null;
    // Warm also pipes the compiler's stages and links with gold, not position-independent: the same program, fewer
    // files and a faster link.
    const header = pch ? await precompiledHeader(pch).catch(() => null) : null;
    const force = header ? ['-include', header] : [];
    const speed = isWarm(context) ? ['-pipe', '-fuse-ld=gold', '-no-pie'] : [];
    const build = [GXX, `-std=${std}`, ...speed, ...force, 'main.cpp', '-o', ARTIFACT, ...context.link.map((l) => `-l${l}`)];
    return {
      ok: true,
      files: [
        { path: 'main.cpp', content: program },
        { path: 'build.sh', content: `exec ${shLine(build)}\n` },
        { path: 'run.sh', content: `chmod +x ${ARTIFACT} && exec ./${ARTIFACT}\n` },
      ],
    };
  },
  compile: compiledStep,
  run: runScript,
  classify: (outcome) => classifyExit(outcome, { memoryError: /std::bad_alloc/ }),
  smoke: {
    ok: '#include <cassert>\nint add(int a, int b) { return a + b; }\nint main() { assert(add(2, 3) == 5); }\n',
    notOk: '#include <cassert>\nint main() { assert(1 + 1 == 3); }\n',
  },
};
