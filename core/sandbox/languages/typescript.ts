import { transform } from 'esbuild';
import type { Language, Prepared } from '../language';
import { classifyNode, NODE_ADDRESS_HEADROOM, nodeCommand } from './node-common';

/**
 * MultiPL-E compiles with `tsc --target esnext` and runs the JavaScript with node; a compile failure is a
 * SyntaxError. We strip the types in-process with esbuild (about a millisecond instead of ~2.5 s of tsc), so a
 * syntax error is still a SyntaxError, but a type error alone is not caught: such a program runs, and is judged
 * by its tests.
 */
async function prepare(program: string): Promise<Prepared> {
  try {
    const out = await transform(program, { loader: 'ts', target: 'esnext', sourcefile: 'main.ts', logLevel: 'silent' });
    return { ok: true, files: [{ path: 'main.js', content: out.code }] };
  } catch (err) {
    const errors = (err as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors;
    const message = errors?.length
      ? errors.map((e) => `main.ts:${e.location ? `${e.location.line}:${e.location.column + 1}` : ''} error: ${e.text}`).join('\n')
      : String(err);
    return { ok: false, classification: { status: 'SyntaxError', testsPassed: null, testsTotal: null }, message: `${message}\n` };
  }
}

export const typescript: Language = {
  id: 'typescript',
  displayName: 'TypeScript',
  multiplE: 'ts',
  debianPackages: ['nodejs'],
  executables: ['node'],
  memory: 'runtime',
  addressSpaceHeadroomBytes: NODE_ADDRESS_HEADROOM,
  prepare,
  run: (limits) => nodeCommand(limits, 'main.js'),
  classify: classifyNode,
  smoke: {
    ok: "declare var require: any;\nconst assert = require('node:assert');\nfunction add(a: number, b: number): number { return a + b; }\nassert.deepEqual(add(2, 3), 5);\n",
    notOk: "declare var require: any;\nconst assert = require('node:assert');\nassert.deepEqual(1 + 1, 3);\n",
  },
};
