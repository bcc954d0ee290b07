import { accessSync, constants, existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { SANDBOX_PATH } from './isolation/bwrap-args';
import type { Language } from './language';

export interface LanguageAvailability {
  id: string;
  displayName: string;
  available: boolean;
  /** Executables or files not found (empty when available). */
  missing: string[];
  /** The Debian packages that provide them: what to install. */
  packages: string[];
}

function found(executable: string): boolean {
  if (isAbsolute(executable)) return existsSync(executable);
  // The sandbox sees the host's /usr, so the sandbox's PATH is searched on the host.
  return SANDBOX_PATH.split(':').some((dir) => {
    try {
      accessSync(join(dir, executable), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const memo = new WeakMap<Language, LanguageAvailability>();

/** Whether a language's toolchain is installed (looked up once per process). */
export function availability(language: Language): LanguageAvailability {
  const known = memo.get(language);
  if (known) return known;
  const missing = language.executables.filter((e) => !found(e));
  const result = {
    id: language.id,
    displayName: language.displayName,
    available: missing.length === 0,
    missing,
    packages: [...language.debianPackages],
  };
  memo.set(language, result);
  return result;
}

export function unavailableMessage(a: LanguageAvailability): string {
  return `${a.displayName} is unavailable: ${a.missing.join(', ')} not found (install the Debian package${a.packages.length > 1 ? 's' : ''} ${a.packages.join(' ')})`;
}
