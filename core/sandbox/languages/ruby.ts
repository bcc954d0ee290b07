import { classifyExit } from '../classify';
import type { Language } from '../language';
import type { RawOutcome } from '../isolation/types';
import type { Classification } from '../verdict';
import zygote from './zygote.rb?raw';

/**
 * MultiPL-E eval_ruby.py: `ruby file`, exit 0 is OK; it calls a failure with empty stdout a SyntaxError, a rough
 * stand-in for what Ruby states outright, so we read Ruby's own "syntax error" instead. test/unit's summary gives
 * tests passed / total. Warm sandboxes fork each program from a Ruby zygote that has test/unit loaded already
 * (zygote.rb): a program that uses Test::Unit without requiring it would pass there and fail fresh.
 */
function classify(outcome: RawOutcome): Classification {
  const base = classifyExit(outcome, {
    syntaxError: /syntax errors? found|syntax error,|\(SyntaxError\)/,
    memoryError: /NoMemoryError|failed to allocate memory/,
  });
  const summary = /(\d+) tests, \d+ assertions, (\d+) failures, (\d+) errors/.exec(outcome.stdout.text);
  if (!summary) return base;
  const total = Number(summary[1]);
  return { ...base, testsTotal: total, testsPassed: Math.max(0, total - Number(summary[2]) - Number(summary[3])) };
}

export const ruby: Language = {
  id: 'ruby',
  displayName: 'Ruby',
  multiplE: 'rb',
  debianPackages: ['ruby'],
  executables: ['ruby'],
  memory: 'address-space',
  prepareProgram: (program) => ({ ok: true, files: [{ path: 'main.rb', content: program }] }),
  run: () => ({ argv: ['ruby', 'main.rb'], zygote: { key: 'ruby', argv: ['ruby', '-e', zygote], main: './main.rb' } }),
  classify,
  smoke: {
    ok: "require 'test/unit'\ndef add(a, b)\n  a + b\nend\nclass TestAdd < Test::Unit::TestCase\n  def test_add\n    assert_equal(5, add(2, 3))\n  end\nend\n",
    notOk: "require 'test/unit'\nclass TestAdd < Test::Unit::TestCase\n  def test_add\n    assert_equal(3, 1 + 1)\n  end\nend\n",
  },
};
