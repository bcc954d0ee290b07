import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CONTEXT, type Language } from '../language';
import { DEFAULT_COMPILE_LIMITS } from '../limits';
import type { RawOutcome } from '../isolation/types';
import { buildOnce, ensureToolchainRoot } from '../toolchains/cache-root';
import { CompileServer, CompileTimeout } from '../toolchains/compile-server';
import compileServerSource from '../toolchains/CompileServer.cs?raw';
import type { Classification } from '../verdict';
import { ARTIFACT, compiledStep, isWarm, runScript, shLine } from './compiled-common';

const MCS = '/usr/bin/mcs';
const MONO = '/usr/bin/mono';
const MCS_EXE = '/usr/lib/mono/4.5/mcs.exe';
// MultiPL-E compiles with csc /d:DEBUG -r:System.Numerics.dll; mcs takes the same options.
const OPTIONS = ['-d:DEBUG', '-r:System.Numerics.dll'];

// mcs compiles one program at a time, so there are two servers (the pool's default of two workers), each request
// going to the less busy one.
const servers: { server: CompileServer; busy: number }[] = [];
const SERVERS = 2;

async function compileServer(): Promise<{ server: CompileServer; busy: number }> {
  const hash = createHash('sha256').update(compileServerSource).digest('hex').slice(0, 16);
  const dir = await buildOnce(`csharp-compile-server-${hash}`, async (d) => {
    writeFileSync(join(d, 'CompileServer.cs'), compileServerSource);
    await promisify(execFile)(MCS, [`-r:${MCS_EXE}`, join(d, 'CompileServer.cs'), `-out:${join(d, 'CompileServer.exe')}`]);
  });
  while (servers.length < SERVERS) {
    const server = new CompileServer({
      argv: [MONO, join(dir, 'CompileServer.exe')],
      env: { MONO_PATH: '/usr/lib/mono/4.5' },
      readOnlyPaths: [],
      tempDirBytes: 64 * 1024 ** 2,
    });
    servers.push({ server, busy: 0 });
  }
  return servers.reduce((a, b) => (b.busy < a.busy ? b : a));
}

/**
 * MultiPL-E eval_cs.py runs the program with MONO_TRACE_LISTENER=Console.Error and, since mono exits 0 even when a
 * Debug.Assert fails, judges by stderr: a DefaultTraceListener.Fail or an "Unhandled Exception" is an Exception,
 * anything else OK (whatever the exit code). A program killed by a signal is an Exception too.
 */
function classify(outcome: RawOutcome): Classification {
  const verdict = (status: Classification['status']): Classification => ({ status, testsPassed: null, testsTotal: null });
  const stderr = outcome.stderr.text;
  if (/OutOfMemoryException/.test(stderr)) return verdict('MemoryLimit');
  if (outcome.signal !== null) return verdict('Exception');
  if (stderr.includes('System.Diagnostics.DefaultTraceListener.Fail') || stderr.includes('Unhandled Exception')) {
    return verdict('Exception');
  }
  return verdict('OK');
}

/**
 * C# as MultiPL-E runs it (mcs in place of csc: Debian's mono-devel has mcs). Warm: the compiler runs in-process in
 * a long-lived mono; the program still runs in a fresh mono.
 */
export const csharp: Language = {
  id: 'csharp',
  displayName: 'C#',
  multiplE: 'cs',
  debianPackages: ['mono-devel'],
  executables: [MCS, MONO, MCS_EXE],
  get readOnlyPaths() {
    return [ensureToolchainRoot()];
  },
  memory: 'runtime',
  async prepareProgram(program, context = DEFAULT_CONTEXT) {
    const run = `export MONO_TRACE_LISTENER=Console.Error MONO_GC_PARAMS=max-heap-size="$1"m\nexec ${MONO} ${ARTIFACT}\n`;
    let reply: string[] | null = null;
    if (isWarm(context) && CompileServer.available()) {
      try {
        const request = [Buffer.from(program).toString('base64'), OPTIONS.join(' ')];
        const slot = await compileServer();
        slot.busy++;
        try {
          reply = await slot.server.request(request, DEFAULT_COMPILE_LIMITS.timeoutMs);
        } finally {
          slot.busy--;
        }
      } catch (err) {
        if (err instanceof CompileTimeout) {
          return { ok: false, classification: { status: 'Timeout', testsPassed: null, testsTotal: null }, message: err.message };
        }
        // A server that cannot start or dies (not the program's fault) leaves the cold path below.
        reply = null;
      }
    }
    const [status, diagnostics, exe] = reply ?? [];
    if (status === '1') {
      const message = Buffer.from(diagnostics ?? '', 'base64').toString('utf8');
      return { ok: false, classification: { status: 'SyntaxError', testsPassed: null, testsTotal: null }, message };
    }
    if (status === '0') {
      return {
        ok: true,
        files: [
          { path: ARTIFACT, content: Buffer.from(exe ?? '', 'base64') },
          { path: 'build.sh', content: 'exit 0\n' },
          { path: 'run.sh', content: run },
        ],
      };
    }
    return {
      ok: true,
      files: [
        { path: 'main.cs', content: program },
        { path: 'build.sh', content: `exec ${shLine([MCS, ...OPTIONS, 'main.cs', `-out:${ARTIFACT}`])}\n` },
        { path: 'run.sh', content: run },
      ],
    };
  },
  compile: compiledStep,
  run: runScript,
  classify,
  smoke: {
    ok: 'using System.Diagnostics;\nclass Problem {\n  static int Add(int a, int b) { return a + b; }\n  static void Main() { Debug.Assert(Add(2, 3) == 5); }\n}\n',
    notOk: 'using System.Diagnostics;\nclass Problem {\n  static void Main() { Debug.Assert(1 + 1 == 3); }\n}\n',
  },
};
