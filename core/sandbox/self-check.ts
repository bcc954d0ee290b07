import { availability, unavailableMessage } from './availability';
import type { IsolationCapabilities, IsolationGuarantees } from './isolation/types';
import { LANGUAGE_IDS } from './language';
import { SandboxRunner } from './runner';

export interface LanguageCheck {
  id: string;
  displayName: string;
  /** available: both smoke programs judged right. missing: toolchain not installed. broken: installed, misjudged. */
  status: 'available' | 'missing' | 'broken' | 'no-module';
  detail: string;
  packages: string[];
  /** Wall time of the two smoke runs together (compiles included), or null when not run. */
  ms: number | null;
}

/**
 * Checked from inside a sandbox, so the report says what holds rather than what was asked for. Each line prints
 * "<guarantee> yes|no"; nothing here writes a file (`-w` asks access(2)).
 */
const PROBE = String.raw`check() { if eval "$2" >/dev/null 2>&1; then echo "$1 yes"; else echo "$1 no"; fi; }
check unprivilegedUser '[ "$(id -u)" != 0 ]'
check noNetwork '[ -z "$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | grep -v "^lo$")" ]'
check readOnlySystem '[ ! -w /usr ] && [ ! -w /etc ] && [ ! -w / ]'
check hiddenHome '[ ! -e /root ] && [ ! -e /home ]'
check pidNamespace '[ "$(ls -d /proc/[0-9]* | wc -l)" -lt 10 ]'
check processLimit '[ "$(ulimit -u)" != unlimited ] && [ "$(id -u)" != 0 ]'
check cpuTimeLimit '[ "$(ulimit -t)" != unlimited ]'
check fileSizeLimit '[ "$(ulimit -f)" != unlimited ]'
check privateTemp '[ -w "$TMPDIR" ]'
`;

export async function probeGuarantees(runner: SandboxRunner): Promise<Map<string, boolean>> {
  const result = await runner.run({ language: 'bash', program: PROBE });
  const seen = new Map<string, boolean>();
  for (const line of result.stdout.text.split('\n')) {
    const [name, answer] = line.split(' ');
    if (name && (answer === 'yes' || answer === 'no')) seen.set(name, answer === 'yes');
  }
  return seen;
}

export interface SelfCheckReport {
  ok: boolean;
  isolation: IsolationCapabilities;
  languages: LanguageCheck[];
}

/**
 * Runs each language's two smoke programs (one must pass, one must fail) in the sandbox, and reports which
 * languages work, which are missing (naming the Debian packages) and which isolation guarantees hold.
 */
export async function selfCheck(options: { jobs?: number } = {}): Promise<SelfCheckReport> {
  const runner = new SandboxRunner({ jobs: options.jobs ?? 2 });
  try {
    const checks = await Promise.all(
      LANGUAGE_IDS.map(async (id): Promise<LanguageCheck> => {
        const language = runner.findLanguage(id);
        if (!language) return { id, displayName: id, status: 'no-module', detail: 'no language module', packages: [], ms: null };
        const base = { id, displayName: language.displayName, packages: [...language.debianPackages] };
        const avail = availability(language);
        if (!avail.available) return { ...base, status: 'missing', detail: unavailableMessage(avail), ms: null };
        const started = performance.now();
        const [ok, notOk] = await Promise.all([
          runner.run({ language: id, program: language.smoke.ok }),
          runner.run({ language: id, program: language.smoke.notOk }),
        ]);
        const ms = performance.now() - started;
        if (ok!.status !== 'OK') {
          return { ...base, status: 'broken', detail: `a passing program got ${ok!.status}: ${ok!.detail ?? ''}`.trim(), ms };
        }
        if (notOk!.status === 'OK' || notOk!.status === 'SandboxError') {
          return { ...base, status: 'broken', detail: `a failing program got ${notOk!.status}: ${notOk!.detail ?? ''}`.trim(), ms };
        }
        return { ...base, status: 'available', detail: `ok (${language.debianPackages.join(', ')})`, ms };
      }),
    );
    const isolation = structuredClone(runner.capabilities);
    const probed = await probeGuarantees(runner);
    for (const [name, holds] of Object.entries(isolation.guarantees) as [keyof IsolationGuarantees, boolean][]) {
      const seen = probed.get(name);
      if (holds && seen === false) {
        isolation.guarantees[name] = false;
        isolation.warnings.push(`${name} was expected but does not hold inside the sandbox (probe)`);
      }
    }
    return { ok: isolation.warnings.length === 0 && checks.every((c) => c.status === 'available'), isolation, languages: checks };
  } finally {
    await runner.close();
  }
}
