/** Resource limits for one step (compile or run) of one program. All sizes in bytes, times in milliseconds. */
export interface Limits {
  /** Wall-clock time; the whole process tree is killed after it (verdict Timeout). CPU time is capped at this + 1 s. */
  timeoutMs: number;
  /**
   * Memory for the program. Applied as RLIMIT_AS only for languages whose runtime tolerates it (Python, PHP, Ruby,
   * Lua, Bash); JVM, Go, Node, .NET get their runtime's own flag from this figure (see Language.memory).
   */
  memoryBytes: number;
  /** Bytes of stdout and of stderr kept in the result (MultiPL-E keeps 2048). */
  outputBytes: number;
  /** Bytes of stdout + stderr after which the program is killed (verdict OutputLimit). */
  outputHardCapBytes: number;
  /** RLIMIT_FSIZE: largest file the program may write. */
  fileSizeBytes: number;
  /** Size of the private writable temp dir (a tmpfs under bubblewrap). */
  tempDirBytes: number;
  /** RLIMIT_NOFILE. */
  openFiles: number;
  /** RLIMIT_NPROC, counted per sandbox (threads count too: the JVM needs dozens). */
  processes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  timeoutMs: 10_000,
  memoryBytes: 2 * 1024 ** 3,
  outputBytes: 2048,
  outputHardCapBytes: 16 * 1024 ** 2,
  fileSizeBytes: 64 * 1024 ** 2,
  tempDirBytes: 256 * 1024 ** 2,
  openFiles: 1024,
  processes: 512,
});

/** Compilers get more time than programs (rustc and javac on a cold cache take seconds). */
export const DEFAULT_COMPILE_LIMITS: Readonly<Limits> = Object.freeze({ ...DEFAULT_LIMITS, timeoutMs: 60_000 });

export function resolveLimits(partial: Partial<Limits> = {}, base: Readonly<Limits> = DEFAULT_LIMITS): Limits {
  const limits = { ...base, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`limits.${key}: expected a positive number, got ${value}`);
  }
  return limits;
}

/** A stable text form for cache keys: same limits, same key, whatever the property order. */
export function limitsKey(limits: Limits): string {
  return (Object.keys(limits) as (keyof Limits)[])
    .sort()
    .map((k) => `${k}=${limits[k]}`)
    .join(',');
}
