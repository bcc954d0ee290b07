import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { appRoot } from '../app-root';
import { loadRunConfig } from './run-config';
import { errorMessage } from '../error-message';

export interface RunConfigFile {
  path: string;
  name: string;
  source: 'builtin' | 'workspace';
  error: string | null;
  iterations: number | null;
}

const isConfig = (name: string): boolean => /\.jsonc?$/.test(name);

function listDir(dir: string, source: RunConfigFile['source']): RunConfigFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isConfig)
    .sort()
    .map((name) => {
      const path = join(dir, name);
      try {
        return { path, name: basename(name).replace(/\.jsonc?$/, ''), source, error: null, iterations: loadRunConfig(path).iterations };
      } catch (err) {
        return { path, name: basename(name).replace(/\.jsonc?$/, ''), source, error: errorMessage(err), iterations: null };
      }
    });
}

export const builtinConfigDir = (): string => join(appRoot().dir, 'resources', 'configs');

/** The configs a new run can start from: the app's own (resources/configs) and the workspace's top-level *.json(c). */
export function listRunConfigFiles(workspace: string): RunConfigFile[] {
  return [...listDir(builtinConfigDir(), 'builtin'), ...listDir(workspace, 'workspace')];
}

/** A config path from the UI: absolute, or relative to the workspace (what configs.list hands out is absolute). */
export function resolveRunConfigFile(workspace: string, path: string): string {
  return resolve(workspace, path);
}
