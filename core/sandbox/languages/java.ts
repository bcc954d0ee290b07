import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { classifyExit } from '../classify';
import { DEFAULT_CONTEXT, type Language, type Prepared } from '../language';
import { DEFAULT_COMPILE_LIMITS } from '../limits';
import { buildOnce, ensureToolchainRoot } from '../toolchains/cache-root';
import { CompileServer, CompileTimeout } from '../toolchains/compile-server';
import compileServerSource from '../toolchains/CompileServer.java?raw';
import { ARTIFACT, compiledStep, isWarm, runScript, shLine, tarArchive } from './compiled-common';

// Debian's JDK 17 by its full path: another JDK (e.g. a newer Temurin) may come first on PATH.
const JDK = '/usr/lib/jvm/java-17-openjdk-amd64';
const JAVAC = `${JDK}/bin/javac`;
const JAVA = `${JDK}/bin/java`;
const JAVATUPLES = 'javatuples-1.2.jar';

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex').slice(0, 16);

/** MultiPL-E's Java imports org.javatuples: the jar sits beside the problem file; a copy goes where sandboxes see it. */
async function javatuples(program: string, supportDir: string | null | undefined): Promise<string | null> {
  if (!program.includes('org.javatuples')) return null;
  const source = supportDir ? join(supportDir, JAVATUPLES) : null;
  if (!source || !existsSync(source)) {
    throw new Error(`this Java program imports org.javatuples: put ${JAVATUPLES} beside the problem file`);
  }
  const bytes = readFileSync(source);
  const dir = await buildOnce(`java-lib-${sha(bytes)}`, async (d) => copyFileSync(source, join(d, JAVATUPLES)));
  return join(dir, JAVATUPLES);
}

let server: CompileServer | null = null;

async function compileServer(): Promise<CompileServer> {
  const dir = await buildOnce(`java-compile-server-${sha(compileServerSource)}`, async (d) => {
    writeFileSync(join(d, 'CompileServer.java'), compileServerSource);
    await promisify(execFile)(JAVAC, ['-d', d, join(d, 'CompileServer.java')]);
  });
  server ??= new CompileServer({
    argv: [JAVA, '-Xmx1g', '-XX:+UseSerialGC', '-Xss8m', '-cp', dir, 'CompileServer', '2'],
    readOnlyPaths: [],
    tempDirBytes: 64 * 1024 ** 2,
  });
  return server;
}

/** The warm path: compile in the long-lived javac, hand the classes over as the artifact. */
async function compileWarm(fileName: string, program: string, classpath: string): Promise<Prepared | { classes: Uint8Array }> {
  let reply: string[];
  try {
    reply = await (await compileServer()).request([fileName, Buffer.from(program).toString('base64'), classpath], DEFAULT_COMPILE_LIMITS.timeoutMs);
  } catch (err) {
    if (err instanceof CompileTimeout) {
      return { ok: false, classification: { status: 'Timeout', testsPassed: null, testsTotal: null }, message: err.message };
    }
    throw err;
  }
  const [status, diagnostics, files] = reply;
  const message = Buffer.from(diagnostics ?? '', 'base64').toString('utf8');
  if (status === '1') return { ok: false, classification: { status: 'SyntaxError', testsPassed: null, testsTotal: null }, message };
  if (status !== '0') throw new Error(`javac server: ${message}`);
  const classes = (files ?? '')
    .split(',')
    .filter((f) => f.length > 0)
    .map((entry) => {
      const colon = entry.lastIndexOf(':');
      return { path: entry.slice(0, colon), content: Buffer.from(entry.slice(colon + 1), 'base64') };
    });
  return { classes: tarArchive(classes) };
}

/**
 * MultiPL-E eval_java.py: `javac -encoding UTF8 -d out File.java` with javatuples on the class path, then
 * `java -ea -cp out:javatuples Problem`; CodeGeeX (HumanEval-X): `javac Main.java`, `java -cp dir Main` (no -ea).
 * A failed compile is a SyntaxError; then exit 0 is OK, anything else an Exception. Warm: the same compiler run
 * in a long-lived JVM (no per-candidate javac start-up); the program still runs in a fresh JVM.
 */
export const java: Language = {
  id: 'java',
  displayName: 'Java',
  multiplE: 'java',
  debianPackages: ['openjdk-17-jdk-headless'],
  executables: [JAVAC, JAVA],
  get readOnlyPaths() {
    return [ensureToolchainRoot()];
  },
  memory: 'runtime',
  async prepareProgram(program, context = DEFAULT_CONTEXT) {
    const codegeex = context.harness === 'humaneval-x';
    const mainClass = codegeex ? 'Main' : 'Problem';
    const fileName = `${/public\s+class\s+(\w+)/.exec(program)?.[1] ?? mainClass}.java`;
    const jar = await javatuples(program, context.supportDir);
    const classpath = jar ? ['.', jar].join(':') : '.';
    const runFlags = codegeex ? [] : ['-ea'];
    const run = `mkdir classes && cd classes && tar xf ../${ARTIFACT} && exec ${shLine([JAVA, ...runFlags])} -Xmx"$1"m ${shLine(['-cp', classpath, mainClass])}\n`;
    // A server that cannot start or dies (not the program's fault) leaves the cold path below.
    const compiled = isWarm(context) && CompileServer.available() ? await compileWarm(fileName, program, jar ?? '').catch(() => null) : null;
    if (compiled) {
      if ('ok' in compiled) return compiled;
      return {
        ok: true,
        files: [
          { path: ARTIFACT, content: compiled.classes },
          { path: 'build.sh', content: 'exit 0\n' },
          { path: 'run.sh', content: run },
        ],
      };
    }
    const javac = [JAVAC, '-encoding', 'UTF8', ...(jar ? ['-cp', jar] : []), '-d', 'classes', fileName];
    return {
      ok: true,
      files: [
        { path: fileName, content: program },
        { path: 'build.sh', content: `mkdir classes && ${shLine(javac)} && cd classes && exec tar cf ../${ARTIFACT} .\n` },
        { path: 'run.sh', content: run },
      ],
    };
  },
  compile: compiledStep,
  run: runScript,
  classify: (outcome) => classifyExit(outcome, { memoryError: /java\.lang\.OutOfMemoryError/ }),
  smoke: {
    ok: 'class Problem {\n  static int add(int a, int b) { return a + b; }\n  public static void main(String[] args) {\n    if (add(2, 3) != 5) throw new AssertionError();\n  }\n}\n',
    notOk: 'class Problem {\n  public static void main(String[] args) {\n    assert 1 + 1 == 3;\n  }\n}\n',
  },
};
