import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_LIMITS } from '../limits';
import { baseEnv, BWRAP, bwrapArgs, dropRoot } from './bwrap-args';
import { runDirect } from './direct';
import type { Isolation, IsolationCapabilities, IsolationOptions, SandboxJob, SandboxWorker } from './types';
import { SANDBOX_PYTHON, WarmWorker } from './warm-worker';

/** Why unprivileged user namespaces may be off, and the switch that turns them on. */
function userNamespaceHint(): string {
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return null;
    }
  };
  if (read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return ' (AppArmor restricts unprivileged user namespaces: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give bwrap an AppArmor profile)';
  }
  if (read('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
    return ' (unprivileged user namespaces are off: sysctl -w kernel.unprivileged_userns_clone=1)';
  }
  if (read('/proc/sys/user/max_user_namespaces') === '0') return ' (user namespaces are off: sysctl -w user.max_user_namespaces=10000)';
  return '';
}

/** Can bubblewrap start a sandbox here, as the user we would run it as? Null when yes, else bwrap's reason. */
function probeBubblewrap(): string | null {
  if (process.platform !== 'linux') return `bubblewrap needs Linux (this is ${process.platform})`;
  if (!existsSync(BWRAP)) return `${BWRAP} not found (install the Debian package bubblewrap)`;
  const args = [...bwrapArgs({ readOnlyPaths: [], tempDirBytes: 1024 * 1024, env: baseEnv() }), '/bin/true'];
  const probe = spawnSync(BWRAP, args, { encoding: 'utf8', timeout: 10_000, ...dropRoot() });
  if (probe.error) return `${BWRAP} failed to start: ${probe.error.message}`;
  if (probe.status !== 0) return `${BWRAP} cannot create a sandbox here: ${probe.stderr.trim() || `exit ${probe.status}`}${userNamespaceHint()}`;
  return null;
}

function capabilitiesFor(bwrapProblem: string | null): IsolationCapabilities {
  if (bwrapProblem === null) {
    return {
      mechanism: 'bubblewrap',
      guarantees: {
        noNetwork: true,
        readOnlySystem: true,
        privateTemp: true,
        hiddenHome: true,
        pidNamespace: true,
        dieWithParent: true,
        unprivilegedUser: true,
        processLimit: true,
        cpuTimeLimit: true,
        fileSizeLimit: true,
        killWholeTree: true,
      },
      warnings: [],
    };
  }
  const root = process.getuid?.() === 0;
  const warnings = [
    `NOT ISOLATED: ${bwrapProblem}; candidates run as ordinary processes (process-group kill + rlimits)`,
    'no network isolation: candidates can open connections',
    'the system is not read-only: candidates can write wherever this user can',
    'the home directory is readable by candidates',
    'no pid namespace: a candidate that calls setsid() can outlive its timeout',
    'no process-count limit: a fork bomb is only stopped by the timeout',
  ];
  if (root) warnings.push('running as root: candidates run as root');
  return {
    mechanism: 'process-group',
    guarantees: {
      noNetwork: false,
      readOnlySystem: false,
      privateTemp: true,
      hiddenHome: false,
      pidNamespace: false,
      dieWithParent: false,
      unprivilegedUser: !root,
      processLimit: false,
      cpuTimeLimit: true,
      fileSizeLimit: true,
      killWholeTree: false,
    },
    warnings,
  };
}

let probed: string | null | undefined;

/**
 * The isolation available here: bubblewrap when it can create a sandbox, else the loud process-group fall-back.
 * The probe (one bwrap run of /bin/true) happens once per process.
 */
export function createIsolation(options: IsolationOptions): Isolation {
  if (probed === undefined) probed = probeBubblewrap();
  const capabilities = capabilitiesFor(options.mechanism === 'process-group' ? 'the process-group fall-back was asked for' : probed);
  const mechanism = capabilities.mechanism;
  const direct = { mechanism, readOnlyPaths: options.readOnlyPaths };
  const warm = mechanism === 'bubblewrap' && existsSync(SANDBOX_PYTHON);
  return {
    capabilities,
    runOnce: (job: SandboxJob) => runDirect(job, direct),
    openWorker: async (): Promise<SandboxWorker> => {
      if (warm) return new WarmWorker({ readOnlyPaths: options.readOnlyPaths, tempDirBytes: DEFAULT_LIMITS.tempDirBytes });
      return { run: (job) => runDirect(job, direct), close: async () => undefined };
    },
  };
}

export type { Isolation, IsolationCapabilities, SandboxJob, SandboxWorker, RawOutcome, SandboxFile } from './types';
