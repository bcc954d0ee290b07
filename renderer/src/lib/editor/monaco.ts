// Monaco 0.57 through its exports map: the editor core, the diff editor, hover (glyph-margin values), the codicon
// font (without it the diff gutter shows empty boxes) and the sandbox's languages; one worker, bundled, no CDN.
import * as monaco from 'monaco-editor/editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/diffEditor/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/cpp/register';
import 'monaco-editor/languages/definitions/java/register';
import 'monaco-editor/languages/definitions/go/register';
import 'monaco-editor/languages/definitions/rust/register';
import 'monaco-editor/languages/definitions/csharp/register';
import 'monaco-editor/languages/definitions/php/register';
import 'monaco-editor/languages/definitions/ruby/register';
import 'monaco-editor/languages/definitions/shell/register';
import 'monaco-editor/languages/definitions/kotlin/register';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

/** The sandbox's language names as Monaco spells them. */
const monacoLanguage: Record<string, string> = {
  python: 'python',
  javascript: 'javascript',
  js: 'javascript',
  typescript: 'typescript',
  ts: 'typescript',
  cpp: 'cpp',
  'c++': 'cpp',
  c: 'cpp',
  java: 'java',
  go: 'go',
  rust: 'rust',
  csharp: 'csharp',
  'c#': 'csharp',
  php: 'php',
  ruby: 'ruby',
  bash: 'shell',
  shell: 'shell',
  kotlin: 'kotlin',
};

export function languageOf(name: string | undefined): string {
  return monacoLanguage[(name ?? '').toLowerCase()] ?? 'plaintext';
}

export { monaco };
