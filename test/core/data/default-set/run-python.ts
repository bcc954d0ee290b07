import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One python3 process runs every program in a fresh namespace: thousands of tiny programs in a few seconds, where a
// process per program would take minutes.
const runner = `
import json, sys
programs = json.load(open(sys.argv[1]))
passed = []
for source in programs:
    try:
        exec(compile(source, "<problem>", "exec"), {"__name__": "__problem__"})
        passed.append(True)
    except BaseException:
        passed.append(False)
print(json.dumps(passed))
`;

/** Whether each program runs to the end without raising (every assert holds). */
export function runPython(programs: readonly string[]): boolean[] {
  const dir = mkdtempSync(join(tmpdir(), 'default-set-'));
  try {
    writeFileSync(join(dir, 'runner.py'), runner);
    writeFileSync(join(dir, 'programs.json'), JSON.stringify(programs));
    const out = execFileSync('python3', [join(dir, 'runner.py'), join(dir, 'programs.json')], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 50_000,
    });
    return JSON.parse(out) as boolean[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
