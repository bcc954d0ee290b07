import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// `npm start`: the desktop app where the Electron binary is installed; web mode, said in one line, where it is not.
const require = createRequire(import.meta.url);
const mainFile = fileURLToPath(new URL('./electron-main.js', import.meta.url));
const cliFile = fileURLToPath(new URL('./cli.js', import.meta.url));
const extraArgs = process.argv.slice(2);

function electronBinary(): string | null {
  try {
    // The electron package resolves to the binary's path, and throws when its postinstall never downloaded it.
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const [command, args] = binary
  ? [binary, [mainFile, ...extraArgs]]
  : [process.execPath, [cliFile, 'serve', ...extraArgs]];
if (!binary) {
  console.log('Electron binary not installed (`npm run electron:install` fetches it); starting web mode instead.');
}
const child = spawn(command, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
