import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

// The code in other languages that core runs (imported as text with `?raw`), each checked by its own toolchain.
const dir = mkdtempSync(join(tmpdir(), 'rr-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a checker; a failure shows what it printed. */
function check(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`, { cause: err });
  }
}

const pythonFiles = ['core/sandbox/isolation/supervisor.py', 'core/loop/weak-tests/probe.py'];

describe('code in other languages, checked by its own toolchain', () => {
  it.each(pythonFiles)('%s compiles and pyflakes finds nothing', (file) => {
    check('/usr/bin/python3', ['-c', 'import sys, py_compile; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', file, join(dir, 'x.pyc')]);
    // pyflakes3 is a test package of scripts/install-system.sh.
    expect(check('/usr/bin/pyflakes3', [file])).toBe('');
  });

  it('the Java compile server compiles with javac, without warnings', () => {
    const out = check('/usr/lib/jvm/java-17-openjdk-amd64/bin/javac', ['-Xlint:all', '-Werror', '-d', dir, 'core/sandbox/toolchains/CompileServer.java']);
    expect(out).toBe('');
    expect(readdirSync(dir)).toContain('CompileServer.class');
  });

  it('the C# compile server compiles with mcs, without warnings', () => {
    check('/usr/bin/mcs', ['-warnaserror', '-r:/usr/lib/mono/4.5/mcs.exe', 'core/sandbox/toolchains/CompileServer.cs', `-out:${join(dir, 'cs.exe')}`]);
    expect(readdirSync(dir)).toContain('cs.exe');
  });

  it('the PHP zygote passes php -l', () => {
    expect(check('php', ['-l', 'core/sandbox/languages/zygote.php'])).toMatch(/^No syntax errors detected/);
  });

  it('the Ruby zygote passes ruby -wc, without warnings', () => {
    expect(check('ruby', ['-wc', 'core/sandbox/languages/zygote.rb'])).toBe('Syntax OK\n');
  });

  it('a checker fails on a broken file (the checks can fail)', () => {
    const broken = join(dir, 'broken.py');
    writeFileSync(broken, 'import os\n');
    expect(() => check('/usr/bin/pyflakes3', [broken])).toThrow(/'os' imported but unused/);
  });
});

/** Every .ts file below a folder. */
function tsFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Template literals with more than `max` newlines in a TypeScript file, as "file:line (n newlines)". */
function longTemplates(file: string, max: number): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const lines = node.getText(source).split('\n').length - 1;
      if (lines > max) found.push(`${relative('.', file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} (${lines} newlines)`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('other languages live in their own files', () => {
  it('no TypeScript file in core outside the store (its SQL) holds a string of over 40 newlines', () => {
    const files = tsFiles('core').filter((f) => !relative('core', f).startsWith('store'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => longTemplates(f, 40))).toEqual([]);
  });

  it('the check finds a template literal of over 40 newlines, and none of 40', () => {
    const lines = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n');
    const file = join(dir, 'long.ts');
    writeFileSync(file, `export const a = \`${lines(42)}\`;\nexport const b = \`${lines(41)}\`;\nexport const c = (x: number) => \`\${x}${lines(43)}\`;\n`);
    expect(longTemplates(file, 40).map((f) => f.replace(/^.*long\.ts/, 'long.ts'))).toEqual(['long.ts:1 (41 newlines)', 'long.ts:84 (42 newlines)']);
  });
});
