import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedConfig } from '../../../core/config/config-doc';
import { parseConfigText } from '../../../core/config/config-file';
import { defaultConfigHeader } from '../../../core/cli/config-command';
import { loadRunConfig, runConfigSchema } from '../../../core/loop/run-config';

const committed = 'resources/configs/default.jsonc';

describe('the run config', () => {
  it('is documented by a committed file that `rewardranker config` reproduces from the schema', () => {
    expect(readFileSync(committed, 'utf8')).toBe(documentedConfig(runConfigSchema, runConfigSchema.parse({}), defaultConfigHeader));
  });

  it('means the same as an empty config (the embedded default)', () => {
    expect(parseConfigText(committed, readFileSync(committed, 'utf8'), runConfigSchema)).toEqual(runConfigSchema.parse({}));
  });

  it('lays a partial section over the embedded default, key by key', () => {
    const config = runConfigSchema.parse({ sampling: { n: 4 } });
    const defaults = runConfigSchema.parse({});
    expect(config.sampling).toEqual({ ...defaults.sampling, n: 4 });
    expect(config.sampling.stop.length).toBeGreaterThan(0);
  });

  it('documents every section', () => {
    const text = readFileSync(committed, 'utf8');
    const sections = Object.entries(runConfigSchema.parse({})).filter(([, v]) => typeof v === 'object' && v !== null);
    expect(sections.length).toBeGreaterThan(5);
    for (const [section] of sections) {
      expect(text).toMatch(new RegExp(`// .+\\n  "${section}": \\{`));
    }
  });

  it("loads the README's example of a run from a Hugging Face checkpoint, its folder relative to the config file", () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Starting from a model you have'));
    const example = /```jsonc\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'rr-readme-config-'));
    try {
      const file = join(dir, 'run.jsonc');
      writeFileSync(file, example!);
      const config = loadRunConfig(file);
      expect(config.model.generator).toBe(join(dir, 'qwen'));
      expect(config.model.reranker).toBeNull();
      expect(config.model.train).toBe('lora');
      expect(config.model.lora).toEqual({ rank: 16, alpha: 32, targets: ['q_proj', 'v_proj'] });
      expect(config.problems.set).toBe('mbpp');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
