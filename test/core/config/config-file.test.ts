import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfigFile } from '../../../core/config/config-file';

const schema = z
  .object({
    seed: z.number().int().default(1),
    sampling: z
      .object({
        samples: z.number().int().min(1).default(8),
        temperature: z.number().positive().default(1),
      })
      .strict()
      .prefault({}),
  })
  .strict();

function write(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rr-config-')), 'run.jsonc');
  writeFileSync(file, text);
  return file;
}

function errorOf(file: string): string {
  try {
    loadConfigFile(file, schema);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config files', () => {
  it('fill defaults, accept comments and trailing commas', () => {
    const file = write('{\n  // a short run\n  "sampling": { "samples": 4, },\n}\n');
    expect(loadConfigFile(file, schema)).toEqual({ seed: 1, sampling: { samples: 4, temperature: 1 } });
  });

  it('refuse an unknown key naming it, its line and the keys allowed there', () => {
    const file = write('{\n  "seed": 3,\n  "sampling": {\n    "sampels": 4\n  }\n}\n');
    expect(errorOf(file)).toBe(`${file}: line 4: unknown key 'sampling.sampels' (known here: samples, temperature)`);
  });

  it('refuse a bad value naming the key and its line', () => {
    const file = write('{\n  "sampling": { "temperature": -1 }\n}\n');
    expect(errorOf(file)).toMatch(new RegExp(`^${file}: line 2: 'sampling.temperature': Too small: expected number to be >0$`));
    const typed = write('{ "seed": "seven" }');
    expect(errorOf(typed)).toMatch(/line 1: 'seed': Invalid input: expected number, received string/);
  });

  it('refuse broken JSON and a missing file in one line', () => {
    const file = write('{\n  "seed": 3\n  "sampling": {}\n}');
    expect(errorOf(file)).toBe(`${file}: line 3: not valid JSON (CommaExpected)`);
    expect(errorOf('/nonexistent/run.jsonc')).toBe('/nonexistent/run.jsonc: cannot read the config (ENOENT)');
  });
});
