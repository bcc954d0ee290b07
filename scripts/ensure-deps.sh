#!/usr/bin/env bash
# Debian packages (when root; `main`: only the main job's), then npm packages when node_modules is missing or
# older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh "$@"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
