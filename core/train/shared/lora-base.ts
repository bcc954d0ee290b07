import type { Engine } from '../../engine/engine';
import { withLora } from '../../engine/lora';
import type { Feed } from '../../engine/protocol';
import type { ParamSpec } from '../../engine/trainer';
import { uploadModel } from '../../models/programs';
import type { Head, TransformerConfig } from '../../models/transformer';

/**
 * Low-rank adapters on `targets` over a frozen base: the base goes to the engine worker once and is fed to every
 * program by reference (its size then never crosses the thread boundary again), the adapters train. `head`: the
 * prefix of a new head (reward, PRM) that is no part of the base and trains in full.
 */
export async function loraOnFrozenBase(
  engine: Engine,
  cfg: TransformerConfig,
  heads: readonly Head[],
  specs: Record<string, ParamSpec>,
  lora: { rank: number; targets: readonly string[]; seed: number; head?: string },
): Promise<{ specs: Record<string, ParamSpec>; frozenFeeds: Record<string, Feed> }> {
  const { head } = lora;
  const base = Object.fromEntries(
    Object.entries(specs)
      .filter(([n]) => head === undefined || !n.startsWith(head))
      .map(([n, s]) => [n, { dtype: 'float32' as const, dims: s.shape, data: s.init }]),
  );
  const adapted = withLora(specs, lora.targets, lora.rank, lora.seed);
  if (head !== undefined) for (const [n, s] of Object.entries(adapted)) if (n.startsWith(head)) s.trainable = true;
  return { specs: adapted, frozenFeeds: (await uploadModel(engine, cfg, heads, base)).feeds };
}
