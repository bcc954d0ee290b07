import { classifyExit } from '../classify';
import type { Language } from '../language';
import zygoteSource from './zygote.php?raw';

// `php -r` takes the code without its opening tag.
const zygote = zygoteSource.replace(/^<\?php\n/, '');

/**
 * MultiPL-E eval_php.py: `php file`; "PHP Parse error" marks a syntax error (it looks in stdout; php-cli prints
 * it on stderr with Debian's defaults, so we look in both). PHP's own memory_limit gets our figure, so running out
 * of memory is its clean "Allowed memory size exhausted" message rather than a failed mmap. Warm sandboxes fork
 * each program from a PHP zygote (zygote.php), which needs the pcntl and posix extensions of php-cli.
 */
export const php: Language = {
  id: 'php',
  displayName: 'PHP',
  multiplE: 'php',
  debianPackages: ['php-cli'],
  executables: ['php'],
  memory: 'address-space',
  prepareProgram: (program) => ({ ok: true, files: [{ path: 'main.php', content: program }] }),
  run: (limits) => {
    const memory = `memory_limit=${Math.max(16, Math.floor((limits.memoryBytes * 0.9) / 1024 ** 2))}M`;
    return {
      argv: ['php', '-d', memory, 'main.php'],
      zygote: { key: `php ${memory}`, argv: ['php', '-d', memory, '-r', zygote], main: '/tmp/main.php' },
    };
  },
  classify: (outcome) =>
    classifyExit(outcome, {
      syntaxError: /PHP Parse error|^Parse error:/m,
      syntaxErrorInStdout: true,
      memoryError: /Allowed memory size of \d+ bytes exhausted|Out of memory/,
    }),
  smoke: {
    ok: '<?php\nfunction add($a, $b) { return $a + $b; }\nif (add(2, 3) !== 5) { throw new Exception("Test failed!"); }\n',
    notOk: '<?php\nif (1 + 1 !== 3) { throw new Exception("Test failed!"); }\n',
  },
};
