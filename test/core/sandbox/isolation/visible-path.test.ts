import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandboxVisiblePath } from '../../../../core/sandbox/isolation/visible-path';

describe('paths bound into the sandbox', () => {
  it('are used as they are when the unprivileged uid can read them', () => {
    expect(sandboxVisiblePath('/usr/lib')).toBe('/usr/lib');
  });

  it('are copied to a readable place when they sit below a private directory (a checkout under a 0700 temp dir)', () => {
    const privateDir = mkdtempSync(join(tmpdir(), 'rr-private-'));
    // Under /tmp, so also where the sandbox's own temp dir would hide a bind.
    chmodSync(privateDir, 0o700);
    const tool = join(privateDir, 'node_modules', 'tool');
    mkdirSync(join(tool, 'lib'), { recursive: true });
    writeFileSync(join(tool, 'lib', 'main.js'), 'console.log(1)\n');
    const visible = sandboxVisiblePath(tool);
    expect(visible).not.toBe(tool);
    expect(readFileSync(join(visible, 'lib', 'main.js'), 'utf8')).toBe('console.log(1)\n');
    for (let dir = visible; dir !== '/'; dir = join(dir, '..')) expect(statSync(dir).mode & 0o001).toBe(0o001);
    expect(sandboxVisiblePath(tool)).toBe(visible);
  });
});
