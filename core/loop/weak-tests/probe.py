# The weak-test probe (python-probe.ts): appended to a passing candidate, it runs the functions the program defines
# on inputs near the literal arguments of the calls in the problem's asserts and prints a digest of what came back.
# `globals()` here are the candidate program's: the probe runs as the last lines of it.


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
    print('rr-probe', len(seen), hashlib.sha256('\n'.join(seen).encode()).hexdigest())
