#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, then runs SFT and self-training iterations on the
# embedded default (resuming if a previous run was interrupted), prints the metrics and how to open them in the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh main
npm run --silent build >/dev/null
exec node bin/rewardranker.js iterate --workspace workspace "$@"
