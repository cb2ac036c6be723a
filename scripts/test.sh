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

# electron-builder's own checks of electron-builder.yml and package.json, the two its packager runs
# before building anything (app-builder-lib's JSON schema for the config, then the metadata), without packaging.
builder_config() {
  node -e '
    const { getConfig, validateConfiguration } = require("app-builder-lib/out/util/config/config.js");
    const { readPackageJson, checkMetadata } = require("app-builder-lib/out/util/packageMetadata.js");
    (async () => {
      const meta = await readPackageJson("package.json");
      checkMetadata(meta, meta, "package.json", "package.json");
      await validateConfiguration(await getConfig(process.cwd(), "electron-builder.yml", null), { isEnabled: false, add() {} });
      console.log("electron-builder.yml and package.json pass electron-builder'"'"'s configuration check");
    })().catch((error) => { console.error(error.message); process.exit(1); });
  '
}

step typecheck npm run --silent typecheck
step lint npx --no-install eslint .
step build npx --no-install electron-vite build
step builder-config builder_config
step vitest scripts/with-keyring.sh npx --no-install vitest run
step playwright scripts/with-keyring.sh npx --no-install playwright test
step electronegativity node scripts/electronegativity-gate.mjs

node scripts/security-report.mjs || true
node scripts/summary.mjs
