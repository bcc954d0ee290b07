import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layerOrder from './lint/layer-order.js';

// Layering, enforced (STYLE.md 7): each rule below is a forbidden import, reported as "Bad layering".
const bad = (group, why) => ({ group, message: `Bad layering: ${why}` });
// A bare package name and its subpaths only: a gitignore-style group would also match relative paths like ../electron/x.
const pkg = (name, why) => ({ regex: `^${name}(/.*)?$`, message: `Bad layering: ${why}` });
const rules = {
  electronPackage: pkg('electron', 'only electron/ may import Electron (it throws without the binary)'),
  shellOrUi: bad(['**/electron/**', '**/renderer/**'], 'core/ must not import electron/ or renderer/'),
  ort: pkg('onnxruntime-node', 'only core/engine may import onnxruntime-node'),
  sqlite: pkg('better-sqlite3', 'only core/store may import better-sqlite3'),
  nodeOnly: bad(
    ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net', 'ws', 'sirv', 'commander'],
    'renderer/ must not import Node-only modules',
  ),
  coreInternals: bad(['**/core/*/**', '!**/core/api/**'], 'renderer/ may import only core/api'),
  electronFolder: bad(['**/electron/**'], 'renderer/ must not import electron/'),
};

// Flat config replaces (does not merge) a rule set twice for one file, so the folders below are disjoint.
const layer = (files, ignores, patterns) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-artifacts/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  { files: ['renderer/**/*'], languageOptions: { globals: { ...globals.browser } } },

  layer(['core/**/*.ts'], ['core/engine/**', 'core/store/**'], [rules.electronPackage, rules.shellOrUi, rules.ort, rules.sqlite]),
  layer(['core/engine/**/*.ts'], [], [rules.electronPackage, rules.shellOrUi, rules.sqlite]),
  layer(['core/store/**/*.ts'], [], [rules.electronPackage, rules.shellOrUi, rules.ort]),
  layer(['electron/**/*.ts'], [], [rules.ort, rules.sqlite, bad(['**/renderer/**'], 'electron/ must not import renderer/')]),
  layer(
    ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    [],
    [rules.electronPackage, rules.ort, rules.sqlite, rules.nodeOnly, rules.coreInternals, rules.electronFolder],
  ),
  layer(['test/**/*.ts', 'bin/**/*.js', '*.config.{ts,js}'], [], [rules.electronPackage]),
  // The order of core's own folders (README, "Layout"): an import that points up is reported as "Bad layering".
  { files: ['core/**/*.ts'], plugins: { layers: layerOrder }, rules: { 'layers/layer-order': 'error' } },
);
