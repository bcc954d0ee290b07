/**
 * Verifies an execution provider before anything real runs on it: a tiny training program runs in a child
 * process (provider-check-child.ts), so a provider that fails natively (onnxruntime-node aborts the process on
 * some device errors) fails the check with its message while the caller, the app or a run, keeps running.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CheckChildResult } from './provider-check-result';
import type { ProviderName } from './protocol';
import { providerCheckUrl } from './worker-url';

export interface ProviderCheck {
  provider: ProviderName;
  ok: boolean;
  /** One line: what ran, or why the provider failed. */
  detail: string;
  ms: number;
}

export interface VerifyOptions {
  /** Give up (and kill the child) after this long; a hung driver must not hang the app. */
  timeoutMs?: number;
  /** The child's script; the default is the check program. */
  entry?: URL;
}

/** The last lines a dying child wrote, without the stack traces Node appends on abort. */
function lastWords(stderr: string, n: number): string {
  const lines = stderr.split('\n');
  const trace = lines.findIndex((l) => l.startsWith('----- '));
  return (trace >= 0 ? lines.slice(0, trace) : lines)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' | ');
}

export async function verifyProvider(provider: ProviderName, options: VerifyOptions = {}): Promise<ProviderCheck> {
  const started = performance.now();
  const entry = options.entry ?? (await providerCheckUrl());
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(entry), [provider], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
      // Inside Electron, process.execPath is the Electron binary: this makes it a plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (ok: boolean, detail: string): void => {
      clearTimeout(timer);
      resolve({ provider, ok, detail, ms: Math.round(performance.now() - started) });
    };
    child.on('error', (err) => finish(false, `the check process could not start: ${err.message}`));
    child.on('exit', (code, signal) => {
      if (timedOut) return finish(false, `the check did not finish in ${Math.round(timeoutMs / 1000)} s (killed)`);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      let result: CheckChildResult | null;
      try {
        result = JSON.parse(line) as CheckChildResult;
      } catch {
        result = null;
      }
      if (code === 0 && result && typeof result.ok === 'boolean') return finish(result.ok, result.detail);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const said = lastWords(stderr, 3);
      finish(false, `the check process ${how}${said ? `: ${said}` : ' (no message)'}`);
    });
  });
}

const verified = new Map<ProviderName, Promise<ProviderCheck>>();

/** verifyProvider once per provider per process; the CPU needs no check. */
export function verifyProviderOnce(provider: ProviderName): Promise<ProviderCheck> {
  let p = verified.get(provider);
  if (!p) {
    p = verifyProvider(provider);
    verified.set(provider, p);
  }
  return p;
}

/** Results of checks already finished or under way, for display. */
export function knownChecks(): ReadonlyMap<ProviderName, Promise<ProviderCheck>> {
  return verified;
}
