/**
 * Hand-written completions for two MultiPL-E problems in each of the twelve languages: one correct, one wrong
 * (a changed return value). Completions follow MultiPL-E's convention per language: where the tests begin with the
 * closing brace (C++, C#, Java, Rust, Bash) the completion stops before it; elsewhere it closes the function.
 */
export interface Case {
  ok: string;
  wrong: string;
}
export type Cases = Record<'HumanEval_13_greatest_common_divisor' | 'HumanEval_24_largest_divisor', Case>;

export const MULTIPL_E_CASES: Record<string, Cases> = {
  py: {
    HumanEval_13_greatest_common_divisor: {
      ok: '    while b:\n        a, b = b, a % b\n    return a\n',
      wrong: '    return a * b\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '    for i in range(n - 1, 0, -1):\n        if n % i == 0:\n            return i\n    return 1\n',
      wrong: '    return n\n',
    },
  },
  cpp: {
    HumanEval_13_greatest_common_divisor: {
      ok: '    while (b != 0) { long t = a % b; a = b; b = t; }\n    return a;\n',
      wrong: '    return a * b;\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '    for (long i = n - 1; i > 0; i--) if (n % i == 0) return i;\n    return 1;\n',
      wrong: '    return n;\n',
    },
  },
  cs: {
    HumanEval_13_greatest_common_divisor: {
      ok: '        while (b != 0) { long t = a % b; a = b; b = t; }\n        return a;\n',
      wrong: '        return a * b;\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '        for (long i = n - 1; i > 0; i--) if (n % i == 0) return i;\n        return 1;\n',
      wrong: '        return n;\n',
    },
  },
  go: {
    HumanEval_13_greatest_common_divisor: {
      ok: '\tfor b != 0 {\n\t\ta, b = b, a%b\n\t}\n\treturn a\n}\n',
      wrong: '\treturn a * b\n}\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '\tfor i := n - 1; i > 0; i-- {\n\t\tif n%i == 0 {\n\t\t\treturn i\n\t\t}\n\t}\n\treturn 1\n}\n',
      wrong: '\treturn n\n}\n',
    },
  },
  java: {
    HumanEval_13_greatest_common_divisor: {
      ok: '        while (b != 0) { long t = a % b; a = b; b = t; }\n        return a;\n',
      wrong: '        return a * b;\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '        for (long i = n - 1; i > 0; i--) if (n % i == 0) return i;\n        return 1;\n',
      wrong: '        return n;\n',
    },
  },
  js: {
    HumanEval_13_greatest_common_divisor: {
      ok: '  while (b !== 0) { [a, b] = [b, a % b]; }\n  return a;\n}\n',
      wrong: '  return a * b;\n}\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '  for (let i = n - 1; i > 0; i--) if (n % i === 0) return i;\n  return 1;\n}\n',
      wrong: '  return n;\n}\n',
    },
  },
  ts: {
    HumanEval_13_greatest_common_divisor: {
      ok: '  while (b !== 0) { [a, b] = [b, a % b]; }\n  return a;\n}\n',
      wrong: '  return a * b;\n}\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '  for (let i = n - 1; i > 0; i--) if (n % i === 0) return i;\n  return 1;\n}\n',
      wrong: '  return n;\n}\n',
    },
  },
  php: {
    HumanEval_13_greatest_common_divisor: {
      ok: '    while ($b != 0) { $t = $a % $b; $a = $b; $b = $t; }\n    return $a;\n}\n',
      wrong: '    return $a * $b;\n}\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '    for ($i = $n - 1; $i > 0; $i--) { if ($n % $i == 0) { return $i; } }\n    return 1;\n}\n',
      wrong: '    return $n;\n}\n',
    },
  },
  sh: {
    HumanEval_13_greatest_common_divisor: {
      ok: '    local a=$1 b=$2 t\n    while [[ $b -ne 0 ]]; do t=$((a % b)); a=$b; b=$t; done\n    echo $a\n',
      wrong: '    echo $(( $1 * $2 ))\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '    local n=$1 i\n    for (( i = n - 1; i > 0; i-- )); do\n        if (( n % i == 0 )); then echo $i; return; fi\n    done\n    echo 1\n',
      wrong: '    echo $1\n',
    },
  },
  rs: {
    HumanEval_13_greatest_common_divisor: {
      ok: '    let (mut a, mut b) = (a, b);\n    while b != 0 { let t = a % b; a = b; b = t; }\n    a\n',
      wrong: '    a * b\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '    let mut i = n - 1;\n    while i > 0 { if n % i == 0 { return i; } i -= 1; }\n    1\n',
      wrong: '    n\n',
    },
  },
  lua: {
    HumanEval_13_greatest_common_divisor: {
      ok: '    while b ~= 0 do\n        a, b = b, a % b\n    end\n    return a\nend\n',
      wrong: '    return a * b\nend\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '    for i = n - 1, 1, -1 do\n        if n % i == 0 then return i end\n    end\n    return 1\nend\n',
      wrong: '    return n\nend\n',
    },
  },
  rb: {
    HumanEval_13_greatest_common_divisor: {
      ok: '  a.gcd(b)\nend\n',
      wrong: '  a * b\nend\n',
    },
    HumanEval_24_largest_divisor: {
      ok: '  (n - 1).downto(1).find { |i| n % i == 0 }\nend\n',
      wrong: '  n\nend\n',
    },
  },
};

/**
 * MultiPL-E's Python translation is not among the built-in sets, so its two problems are written here in MultiPL-E's
 * format (prompt, tests with check(candidate), stop tokens) from the HumanEval originals.
 */
export const PYTHON_MULTIPL_E_PROBLEMS = [
  {
    name: 'HumanEval_13_greatest_common_divisor',
    language: 'py',
    prompt: 'def greatest_common_divisor(a: int, b: int) -> int:\n    """ Return a greatest common divisor of two integers a and b\n    >>> greatest_common_divisor(3, 5)\n    1\n    """\n',
    tests: 'def check(candidate):\n    assert candidate(3, 7) == 1\n    assert candidate(10, 15) == 5\n    assert candidate(49, 14) == 7\n    assert candidate(144, 60) == 12\n\ndef test_check():\n    check(greatest_common_divisor)\n\ntest_check()\n',
    stop_tokens: ['\ndef', '\n#', '\nif', '\nclass'],
  },
  {
    name: 'HumanEval_24_largest_divisor',
    language: 'py',
    prompt: 'def largest_divisor(n: int) -> int:\n    """ For a given number n, find the largest number that divides n evenly, smaller than n\n    >>> largest_divisor(15)\n    5\n    """\n',
    tests: 'def check(candidate):\n    assert candidate(3) == 1\n    assert candidate(7) == 1\n    assert candidate(10) == 5\n    assert candidate(100) == 50\n    assert candidate(49) == 7\n\ndef test_check():\n    check(largest_divisor)\n\ntest_check()\n',
    stop_tokens: ['\ndef', '\n#', '\nif', '\nclass'],
  },
];
