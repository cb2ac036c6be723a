#!/usr/bin/env bash
# `npm test`: every check Keydeck has, in order, then one summary line for CI:
#   typecheck, lint, build, vitest (unit + integration, real keychain), Playwright (Chromium via the
#   preview host, plus the Electron smoke test where the binary exists), the Electronegativity gate.
# Keeps going after a failure so one run shows everything; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
rm -rf reports && mkdir -p reports
: > reports/steps.txt

step() {
  local name="$1"; shift
  echo "::: $name"
  local started=$SECONDS
  if "$@"; then echo "pass $name" >> reports/steps.txt; else echo "fail $name" >> reports/steps.txt; fi
  echo "::: $name done in $((SECONDS - started)) s"
}

step typecheck npm run --silent typecheck
step lint npx --no-install eslint .
step build npx --no-install electron-vite build
step vitest scripts/with-keyring.sh npx --no-install vitest run
step playwright scripts/with-keyring.sh npx --no-install playwright test
step electronegativity node scripts/electronegativity-gate.mjs

node scripts/security-report.mjs || true
node scripts/summary.mjs
