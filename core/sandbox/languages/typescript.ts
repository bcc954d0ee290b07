import { transform } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sandboxVisiblePath } from '../isolation/visible-path';
import type { Language, ProgramContext, Prepared } from '../language';
import { classifyNode, NODE_ADDRESS_HEADROOM, nodeCommand } from './node-common';

/** The TypeScript compiler, for the baseline only (a devDependency: absent from a packaged app). */
const TSC = ((): string | null => {
  try {
    return createRequire(import.meta.url).resolve('typescript/lib/tsc.js');
  } catch {
    return null;
  }
})();

let tscInSandbox: { root: string; script: string } | null = null;

/**
 * Where the sandbox finds tsc: the package as it is, or a readable copy when the checkout sits below a private
 * directory or under /tmp (which the sandbox's own temp dir hides). Bound at that same path inside.
 */
function sandboxTsc(): { root: string; script: string } | null {
  if (!TSC) return null;
  if (!tscInSandbox) {
    const root = sandboxVisiblePath(dirname(dirname(TSC)));
    tscInSandbox = { root, script: join(root, 'lib', 'tsc.js') };
  }
  return tscInSandbox;
}

const syntaxError = (message: string): Prepared => ({
  ok: false,
  classification: { status: 'SyntaxError', testsPassed: null, testsTotal: null },
  message,
});

/**
 * MultiPL-E compiles with `tsc --target esnext` and runs the JavaScript with node; a compile failure is a
 * SyntaxError. Warm, we strip the types in-process with esbuild (about a millisecond instead of ~2.5 s of tsc), so
 * a syntax error is still a SyntaxError, but a type error alone is not caught: such a program runs, and is judged
 * by its tests. The baseline (context.warm === false) compiles with tsc in the sandbox, MultiPL-E's way.
 */
async function prepareProgram(program: string, context?: ProgramContext): Promise<Prepared> {
  if (context?.warm === false) {
    if (!TSC) {
      return {
        ok: false,
        classification: { status: 'SandboxError', testsPassed: null, testsTotal: null },
        message: 'the TypeScript baseline needs tsc (the typescript npm package), which is not installed\n',
      };
    }
    return { ok: true, files: [{ path: 'main.ts', content: program }] };
  }
  try {
    const out = await transform(program, { loader: 'ts', target: 'esnext', sourcefile: 'main.ts', logLevel: 'silent' });
    return { ok: true, files: [{ path: 'main.js', content: out.code }] };
  } catch (err) {
    const errors = (err as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors;
    if (!errors?.length) throw err;
    return syntaxError(
      `${errors.map((e) => `main.ts:${e.location ? `${e.location.line}:${e.location.column + 1}` : ''} error: ${e.text}`).join('\n')}\n`,
    );
  }
}

export const typescript: Language = {
  id: 'typescript',
  displayName: 'TypeScript',
  multiplE: 'ts',
  debianPackages: ['nodejs'],
  executables: ['node'],
  get readOnlyPaths() {
    const tsc = sandboxTsc();
    return tsc ? [tsc.root] : [];
  },
  memory: 'runtime',
  addressSpaceHeadroomBytes: NODE_ADDRESS_HEADROOM,
  prepareProgram,
  compile: {
    command: (limits, context) =>
      context?.warm === false && TSC
        ? { ...nodeCommand(limits, sandboxTsc()!.script), argv: [...nodeCommand(limits, sandboxTsc()!.script).argv, '--target', 'esnext', 'main.ts'], collect: ['main.js'] }
        : null,
  },
  run: (limits) => nodeCommand(limits, 'main.js'),
  classify: classifyNode,
  smoke: {
    ok: "declare var require: any;\nconst assert = require('node:assert');\nfunction add(a: number, b: number): number { return a + b; }\nassert.deepEqual(add(2, 3), 5);\n",
    notOk: "declare var require: any;\nconst assert = require('node:assert');\nassert.deepEqual(1 + 1, 3);\n",
  },
};
