import { classifyExit } from '../classify';
import type { Language } from '../language';
import type { RawOutcome } from '../isolation/types';
import type { Classification } from '../verdict';

const LUAUNIT = '/usr/share/lua/5.4/luaunit.lua';

/**
 * MultiPL-E eval_lua.py: `lua file`, exit 0 is OK, anything else an Exception. We also name syntax errors: a
 * chunk that fails to load reports "near ..." without the stack traceback every runtime error carries (MultiPL-E
 * counts these as Exception; both are failures). luaunit's summary gives tests passed / total.
 */
function classify(outcome: RawOutcome): Classification {
  const base = classifyExit(outcome, { memoryError: /not enough memory/ });
  const stderr = outcome.stderr.text;
  const loadError = /^lua[\d.]*: [^\n]*:\d+: [^\n]*(near|expected)/m.test(stderr) && !stderr.includes('stack traceback');
  const summary = /Ran (\d+) tests in [\d.]+ seconds?, (\d+) success(?:es)?/.exec(outcome.stdout.text);
  return {
    status: base.status === 'Exception' && loadError ? 'SyntaxError' : base.status,
    testsPassed: summary ? Number(summary[2]) : null,
    testsTotal: summary ? Number(summary[1]) : null,
  };
}

export const lua: Language = {
  id: 'lua',
  displayName: 'Lua',
  multiplE: 'lua',
  debianPackages: ['lua5.4', 'lua-unit'],
  executables: ['lua5.4', LUAUNIT],
  memory: 'address-space',
  prepareProgram: (program) => ({ ok: true, files: [{ path: 'main.lua', content: program }] }),
  run: () => ({ argv: ['lua5.4', 'main.lua'] }),
  classify,
  smoke: {
    ok: "local lu = require('luaunit')\nlocal function add(a, b) return a + b end\nfunction test_add() lu.assertEquals(add(2, 3), 5) end\nos.exit(lu.LuaUnit.run())\n",
    notOk: "local lu = require('luaunit')\nfunction test_add() lu.assertEquals(1 + 1, 3) end\nos.exit(lu.LuaUnit.run())\n",
  },
};
