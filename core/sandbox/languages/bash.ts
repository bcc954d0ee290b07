import { classifyExit } from '../classify';
import type { Language } from '../language';

/** MultiPL-E eval_sh.py: `bash file`; "syntax error" in stderr marks a syntax error. */
export const bash: Language = {
  id: 'bash',
  displayName: 'Bash',
  multiplE: 'sh',
  debianPackages: ['bash'],
  executables: ['/bin/bash'],
  memory: 'address-space',
  prepareProgram: (program) => ({ ok: true, files: [{ path: 'main.sh', content: program }] }),
  run: () => ({ argv: ['/bin/bash', 'main.sh'] }),
  classify: (outcome) => classifyExit(outcome, { syntaxError: /syntax error/, memoryError: /cannot allocate memory|xmalloc/i }),
  smoke: {
    ok: 'add() {\n  echo $(( $1 + $2 ))\n}\nset -e\n[[ $(add 2 3) = "5" ]]\n',
    notOk: 'set -e\n[[ $(( 1 + 1 )) = "3" ]]\n',
  },
};
