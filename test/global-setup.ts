import { existsSync } from 'node:fs';

// Integration and browser tests run the built app (out/), as users do; the README's test command builds first.
export default function setup(): void {
  for (const file of ['out/node/cli.js', 'out/node/core-worker.js', 'out/renderer/index.html']) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before the tests`);
  }
}
