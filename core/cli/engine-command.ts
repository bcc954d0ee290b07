import type { Command } from 'commander';
import type { ProviderName } from '../engine/protocol';
import { type ProviderCheck, verifyProvider } from '../engine/provider-check';
import { listExecutionProviders } from '../engine/providers';

interface EngineCheckLine {
  provider: string;
  status: 'verified' | 'failed' | 'missing';
  detail: string;
  ms: number | null;
}

/**
 * `rewardranker engine --self-check`: runs the provider check (a tiny training program in a child process, losses
 * compared with the CPU's) on the CPU and on every provider installed here, one line each. Exit status 1 when the
 * CPU or a provider named with --provider fails.
 */
async function selfCheck(only: string | undefined): Promise<EngineCheckLine[]> {
  const providers = listExecutionProviders().filter((p) => only === undefined || p.name === only);
  if (only !== undefined && providers.length === 0) {
    return [{ provider: only, status: 'missing', detail: `onnxruntime-node has no provider '${only}' on ${process.platform}/${process.arch}`, ms: null }];
  }
  const lines: EngineCheckLine[] = [];
  // One at a time: two GPU checks at once would measure each other.
  for (const p of providers) {
    if (p.status === 'missing') {
      lines.push({ provider: p.name, status: 'missing', detail: p.detail, ms: null });
      continue;
    }
    const check: ProviderCheck = await verifyProvider(p.name as ProviderName);
    lines.push({ provider: p.name, status: check.ok ? 'verified' : 'failed', detail: check.detail, ms: check.ms });
  }
  return lines;
}

export function registerEngine(program: Command): Command {
  return program
    .command('engine')
    .description('the training engine: --self-check verifies each execution provider with a tiny training run in a child process')
    .option('--self-check', 'verify the cpu and every installed provider (a native abort fails the check, not this command)')
    .option('--provider <name>', 'with --self-check: only this provider')
    .option('--json', 'with --self-check: print the results as JSON')
    .action(async (opts: { selfCheck?: boolean; provider?: string; json?: boolean }) => {
      if (!opts.selfCheck) throw new Error('engine: nothing to do (use --self-check)');
      const lines = await selfCheck(opts.provider);
      if (opts.json) console.log(JSON.stringify(lines, null, 2));
      else for (const l of lines) console.log(`${l.provider.padEnd(8)} ${l.status.padEnd(9)} ${l.detail}${l.ms === null ? '' : ` (${l.ms} ms)`}`);
      const mustPass = opts.provider ?? 'cpu';
      process.exitCode = lines.some((l) => l.provider === mustPass && l.status === 'verified') ? 0 : 1;
    });
}
