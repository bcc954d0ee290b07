import { type Tensor, GraphError, isFloat } from './graph';
import { add, detach, mul, opTable, scalarOf, sumTo } from './ops';

/** Every node that `root` depends on, in creation order (which is a topological order). */
export function ancestors(roots: readonly Tensor[]): Tensor[] {
  const seen = new Map<number, Tensor>();
  const stack = [...roots];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.set(t.id, t);
    stack.push(...t.inputs);
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/**
 * Reverse-mode autodiff: gradients of the scalar `loss` with respect to each of `wrt`, as new graph nodes.
 * One generic pass in reverse topological order; each op's VJP comes from the op table, and broadcast
 * gradients are summed back to their input's shape. A `wrt` the loss does not depend on gets zeros.
 */
export function grad(loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  if (loss.rank !== 0) throw new GraphError(`grad: the loss must be a scalar, got ${loss} (built at ${loss.site})`);
  const nodes = ancestors([loss]);
  // Only nodes on a path from some `wrt` to the loss need a gradient.
  const needs = new Set(wrt.map((t) => t.id));
  for (const t of nodes) if (isFloat(t.dtype) && t.inputs.some((x) => needs.has(x.id))) needs.add(t.id);

  const grads = new Map<number, Tensor>([[loss.id, scalarOf(1, loss.dtype)]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const t = nodes[i]!;
    const g = grads.get(t.id);
    if (!g || t.leaf || !needs.has(t.id)) continue;
    const rule = opTable[t.op]?.vjp;
    if (!rule) throw new GraphError(`grad: ${t.op} has no gradient rule (built at ${t.site})`);
    const inputGrads = rule(g, t);
    t.inputs.forEach((x, k) => {
      const gx = inputGrads[k];
      if (!gx || !needs.has(x.id)) return;
      const summed = sumTo(gx, x.shape);
      const prev = grads.get(x.id);
      grads.set(x.id, prev ? add(prev, summed) : summed);
    });
  }
  return wrt.map((w) => {
    // No path from w to the loss: an explicit zero keeps the optimizer's inputs and outputs uniform.
    return grads.get(w.id) ?? mul(detach(w), 0);
  });
}
