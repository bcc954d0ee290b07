import { availability, unavailableMessage } from './availability';
import type { IsolationCapabilities } from './isolation/types';
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
    const isolation = runner.capabilities;
    return { ok: isolation.warnings.length === 0 && checks.every((c) => c.status === 'available'), isolation, languages: checks };
  } finally {
    await runner.close();
  }
}
