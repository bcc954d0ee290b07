#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, lints, and runs every test (unit, integration,
# browser). Ends with one "N passed, N failed" line; exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run --silent build >/dev/null
echo "test-all: build ok"
npm run --silent lint
echo "test-all: lint ok"
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json || status=$?
node scripts/test-summary.mjs test-artifacts/vitest.json
exit $status
