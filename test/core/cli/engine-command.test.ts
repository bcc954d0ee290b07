import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('`engine --self-check --provider cpu --json` verifies the cpu in a child process and exits 0', () => {
  const out = execFileSync(process.execPath, ['bin/rewardranker.js', 'engine', '--self-check', '--provider', 'cpu', '--json'], { encoding: 'utf8' });
  const lines = JSON.parse(out) as { provider: string; status: string; detail: string }[];
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ provider: 'cpu', status: 'verified' });
  expect(lines[0]!.detail).toMatch(/^3 AdamW steps ran; losses equal the CPU's/);
});

it('`engine --self-check --provider` with a provider this platform lacks exits 1 naming it', () => {
  let status = 0;
  let out = '';
  try {
    execFileSync(process.execPath, ['bin/rewardranker.js', 'engine', '--self-check', '--provider', 'nosuch'], { encoding: 'utf8' });
  } catch (err) {
    status = (err as { status: number }).status;
    out = (err as { stdout: string }).stdout;
  }
  expect(status).toBe(1);
  expect(out).toMatch(/^nosuch\s+missing\s+onnxruntime-node has no provider 'nosuch'/);
});
