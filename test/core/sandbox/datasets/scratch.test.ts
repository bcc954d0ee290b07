import { it } from 'vitest';
import { SandboxRunner } from '../../../../core/sandbox/runner';
import { LANGUAGES } from '../../../../core/sandbox/languages/index';

it('smoke', async () => {
  for (const warm of [true, false]) {
    const runner = new SandboxRunner({ jobs: 2, warm });
    for (const l of LANGUAGES.filter((l) => ['cpp', 'java', 'csharp', 'go', 'rust'].includes(l.id))) {
      for (const which of ['ok', 'notOk'] as const) {
        const t = performance.now();
        const r = await runner.run({ language: l.id, program: l.smoke[which], context: { harness: 'multipl-e', link: [], warm } });
        console.log(warm, l.id, which, r.status, r.phase, (performance.now() - t).toFixed(0), 'ms', r.detail, r.stderr.text.slice(0, 300));
      }
    }
    await runner.close();
  }
}, 300_000);
