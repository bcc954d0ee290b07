/**
 * A probe for weak tests in Python problems: run a passing candidate on inputs near the ones its tests use and print
 * a digest of what it returned. Passing candidates of one problem that disagree there are told apart by nothing
 * but their tests' weakness. The probe finds the calls in the problem's asserts itself (Python's ast), perturbs one
 * literal argument at a time, and calls only functions the program defines.
 */
export function pythonProbeProgram(prefixAndCompletion: string, testSuffix: string): string {
  return `${prefixAndCompletion}

def _rr_probe(_suffix):
    import ast, copy, hashlib, inspect
    def perturb(v):
        if isinstance(v, bool): return [not v]
        if isinstance(v, int): return [v + 1, v - 1, -v, 0, v * 3]
        if isinstance(v, float): return [v + 1.5, -v, 0.0]
        if isinstance(v, str): return [v[::-1], v.upper(), v + v[:1], '', v[1:]]
        if isinstance(v, list): return [v[::-1], v[1:], v + v[:1], [], sorted(v, key=repr)]
        if isinstance(v, tuple): return [tuple(reversed(v)), v[1:]]
        if isinstance(v, dict): return [dict(list(v.items())[1:]), {}]
        return []
    calls = []
    for node in ast.walk(ast.parse(_suffix)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            f = globals().get(node.func.id)
            if not inspect.isfunction(f) or f.__module__ != __name__ or node.func.id.startswith('_rr_'):
                continue
            try:
                args = [ast.literal_eval(a) for a in node.args]
            except Exception:
                continue
            calls.append((f, args))
    seen = []
    for f, args in calls[:8]:
        for i, a in enumerate(args):
            for p in perturb(a):
                new = copy.deepcopy(args)
                new[i] = p
                try:
                    seen.append(repr(f(*new)))
                except Exception as e:
                    seen.append('raises ' + type(e).__name__)
    print('rr-probe', len(seen), hashlib.sha256('\\n'.join(seen).encode()).hexdigest())

_rr_probe(${JSON.stringify(testSuffix)})
`;
}

/** The digest a probe printed, or null when it printed none (it crashed, or found no calls to vary). */
export function probeSignature(stdout: string): string | null {
  const match = stdout.match(/^rr-probe (\d+) ([0-9a-f]{64})$/m);
  if (!match || match[1] === '0') return null;
  return match[2]!;
}
