#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and opens the app (desktop where the Electron
# binary exists, otherwise web mode with the URL printed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run --silent build >/dev/null
exec node out/node/launch.js "$@"
