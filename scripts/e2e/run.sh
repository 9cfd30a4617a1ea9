#!/usr/bin/env bash
# Runs one end-to-end test script: makes sure the tools are installed (scripts/e2e/setup.sh, a
# second when already done), bundles the TypeScript entry with the repo's esbuild, and runs it on
# the system Node. npm packages stay external: playwright-core comes from the repo's node_modules
# when it is a devDependency, else from the e2e cache (NODE_PATH).
#   usage: scripts/e2e/run.sh test/e2e/harnessSelfTest.ts [args...]
# Env: CONVSCOPE_E2E_CACHE (tools), CONVSCOPE_E2E_SKIP_SETUP=1 (skip the setup check).
set -euo pipefail
cd "$(dirname "$0")/../.."
entry=${1:?usage: scripts/e2e/run.sh <test/e2e/file.ts> [args...]}
shift
CACHE="${CONVSCOPE_E2E_CACHE:-$HOME/.cache/convscope-e2e}"
if [ "${CONVSCOPE_E2E_SKIP_SETUP:-}" != 1 ]; then bash scripts/e2e/setup.sh; fi
out="test-output/e2e/.build/$(basename "${entry%.ts}").cjs"
node_modules/.bin/esbuild "$entry" --bundle --platform=node --target=node20 --format=cjs \
  --packages=external --sourcemap --log-level=warning --outfile="$out"
export CONVSCOPE_E2E_CACHE="$CACHE"
export NODE_PATH="$CACHE/tools/node_modules${NODE_PATH:+:$NODE_PATH}"
exec node --enable-source-maps "$out" "$@"
