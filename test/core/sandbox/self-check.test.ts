import { describe, expect, it } from 'vitest';
import { SandboxRunner } from '../../../core/sandbox/runner';
import { probeGuarantees } from '../../../core/sandbox/self-check';

describe.skipIf(process.platform !== 'linux')('self-check probe: guarantees as seen from inside', () => {
  it('finds every probed guarantee holding under bubblewrap, and the fall-back lacking the namespaces', async () => {
    const sandboxed = new SandboxRunner({ jobs: 1 });
    const bare = new SandboxRunner({ jobs: 1, isolation: 'process-group' });
    try {
      const inside = await probeGuarantees(sandboxed);
      expect(Object.fromEntries(inside)).toEqual({
        unprivilegedUser: true,
        noNetwork: true,
        readOnlySystem: true,
        hiddenHome: true,
        pidNamespace: true,
        processLimit: true,
        cpuTimeLimit: true,
        fileSizeLimit: true,
        privateTemp: true,
      });
      const outside = await probeGuarantees(bare);
      // Which other checks pass outside depends on the user (root can write /usr); these two never vary.
      expect([outside.get('pidNamespace'), outside.get('cpuTimeLimit')]).toEqual([false, true]);
    } finally {
      await sandboxed.close();
      await bare.close();
    }
  });
});
