#!/usr/bin/env node
// The installed command: runs the built CLI, or says in one line how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/node/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(`rewardranker: not built yet (${cli} is missing): run \`npm run build\` in the project folder`);
  process.exit(1);
}
await import(cli);
