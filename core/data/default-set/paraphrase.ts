import { filterById, mapById } from './grammar';
import type { Rng } from './rng';
import { outputType, reductionOf, sourceOf, type Spec } from './spec';

/**
 * Describes a spec in English, choosing among paraphrases with the generator's RNG, so that one combination can be
 * worded many ways and the model must read the words rather than memorize one sentence per program.
 */
export function describe(spec: Spec, rng: Rng): string {
  const src = sourceOf(spec);
  const [head, tail] = rng.pick(src.nouns(spec.arg));
  const fs = spec.filters.map((f) => ({ op: filterById.get(f.id)!, p: f.p }));
  const ms = spec.maps.map((m) => ({ op: mapById.get(m.id)!, p: m.p }));

  const vp = fs.map(({ op, p }) => rng.pick(op.vp(p))).join(' and ');
  const onlyFilter = fs.length === 1 ? fs[0] : undefined;
  const adjective = onlyFilter?.op.adj !== undefined && rng.chance(0.5) ? onlyFilter.op.adj : null;
  const plain = `the ${head} ${tail}`;
  const filtered = adjective
    ? `the ${adjective} ${head} ${tail}`
    : fs.length > 0
      ? `${plain} ${rng.pick(['that', 'which'])} ${vp}`
      : plain;

  const posts = ms.map(({ op, p }) => rng.pick(op.post(p)));
  let e = filtered;
  const first = ms[0];
  if (first?.op.pre && rng.chance(0.5)) {
    // "the squares of the odd numbers in xs", then any later map as a trailing "each ..." phrase.
    e = `${rng.pick(first.op.pre(first.p))} ${filtered}`;
    if (posts.length > 1) e += `, each ${posts.slice(1).join(' and then ')}`;
  } else if (posts.length > 0) {
    e += `, each ${posts.join(' and then ')}`;
  }
  const out = outputType(spec) ?? src.elem;
  const sentence = rng.pick(
    reductionOf(spec).phrases({ e, src: plain, vp, post: posts.join(' and then '), arg: spec.arg, out }),
  );
  return sentence;
}

/** A Python function name from the parts: "sum_squared_odd", "count_over3". */
export function functionName(spec: Spec): string {
  const words = [
    reductionOf(spec).slug,
    ...spec.maps.map((m) => mapById.get(m.id)!.slug(m.p)),
    ...spec.filters.map((f) => filterById.get(f.id)!.slug(f.p)),
  ];
  return words.join('_');
}
