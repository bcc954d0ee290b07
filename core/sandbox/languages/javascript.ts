import type { Language } from '../language';
import { classifyNode, NODE_ADDRESS_HEADROOM, nodeCommand } from './node-common';

export const javascript: Language = {
  id: 'javascript',
  displayName: 'JavaScript',
  multiplE: 'js',
  debianPackages: ['nodejs'],
  executables: ['node'],
  memory: 'runtime',
  addressSpaceHeadroomBytes: NODE_ADDRESS_HEADROOM,
  prepareProgram: (program) => ({ ok: true, files: [{ path: 'main.js', content: program }] }),
  run: (limits) => nodeCommand(limits, 'main.js'),
  classify: classifyNode,
  smoke: {
    ok: "const assert = require('node:assert');\nfunction add(a, b) { return a + b; }\nassert.deepEqual(add(2, 3), 5);\n",
    notOk: "const assert = require('node:assert');\nassert.deepEqual(1 + 1, 3);\n",
  },
};
