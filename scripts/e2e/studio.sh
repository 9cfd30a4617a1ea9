#!/usr/bin/env bash
# Starts the e2e code-server with the extension installed, for a person to try in a browser.
#   usage: scripts/e2e/studio.sh [--vsix FILE | --package] [--port N] [--fresh] [WORKSPACE]
#     --vsix FILE  the extension to install (default: the newest convscope-*.vsix in the repo root)
#     --package    package the repository first (vsce from the e2e cache) into test-output/studio/
#     --port N     port on 127.0.0.1 (default 8080, or $CONVSCOPE_STUDIO_PORT)
#     --fresh      forget the previous session's settings, layout and installed extensions
#     WORKSPACE    folder to open (default: the repository root)
# Ctrl-C stops the server and everything it started (the whole process group).
# State (HOME, user data, extensions) lives in $CONVSCOPE_E2E_CACHE/studio and is kept between runs.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${CONVSCOPE_E2E_CACHE:-$HOME/.cache/convscope-e2e}"
PORT="${CONVSCOPE_STUDIO_PORT:-8080}"
VSIX=""
PACKAGE=0
FRESH=0
WORKSPACE="$REPO"
while [ $# -gt 0 ]; do
  case "$1" in
    --vsix) VSIX="$(realpath "${2:?--vsix needs a file}")"; shift 2 ;;
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    --package) PACKAGE=1; shift ;;
    --fresh) FRESH=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "studio: unknown option $1" >&2; exit 2 ;;
    *) WORKSPACE="$(realpath "$1")"; shift ;;
  esac
done

bash "$REPO/scripts/e2e/setup.sh"
# shellcheck source=/dev/null
source "$CACHE/env.sh"

if [ "$PACKAGE" = 1 ]; then
  mkdir -p "$REPO/test-output/studio"
  VSIX="$REPO/test-output/studio/convscope.vsix"
  echo "[studio] packaging $REPO into $VSIX"
  (cd "$REPO" && node "$CONVSCOPE_E2E_TOOLS/@vscode/vsce/vsce" package --allow-missing-repository --skip-license --out "$VSIX")
fi
if [ -z "$VSIX" ]; then
  # shellcheck disable=SC2012 # newest by mtime; our own file names
  VSIX="$(ls -t "$REPO"/convscope-*.vsix 2>/dev/null | head -1 || true)"
  [ -n "$VSIX" ] || { echo "studio: no convscope-*.vsix in $REPO; pass --vsix FILE or --package" >&2; exit 2; }
fi
[ -f "$VSIX" ] || { echo "studio: $VSIX not found" >&2; exit 2; }
[ -d "$WORKSPACE" ] || { echo "studio: workspace $WORKSPACE is not a folder" >&2; exit 2; }
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "studio: 127.0.0.1:$PORT is already in use; pick another with --port" >&2; exit 2
fi

STATE="$CACHE/studio"
[ "$FRESH" = 1 ] && rm -rf "$STATE"
USER_DATA="$STATE/user-data"
EXTENSIONS="$STATE/extensions"
mkdir -p "$USER_DATA/User" "$EXTENSIONS" "$STATE/home/.config" "$STATE/home/.local/share" "$STATE/home/.cache" "$STATE/tmp"
[ -f "$USER_DATA/User/settings.json" ] || cp "$REPO/scripts/e2e/settings.json" "$USER_DATA/User/settings.json"

# Same isolation as the harness: everything under $STATE, nothing from a VS Code we may run in.
for v in $(compgen -e | grep -E '^VSCODE_|^NODE_OPTIONS$|^ELECTRON_RUN_AS_NODE$' || true); do unset "$v"; done
export HOME="$STATE/home" XDG_CONFIG_HOME="$STATE/home/.config" XDG_DATA_HOME="$STATE/home/.local/share" \
  XDG_CACHE_HOME="$STATE/home/.cache" TMPDIR="$STATE/tmp"
PATH="$(dirname "$CONVSCOPE_E2E_NODE"):$PATH"
export PATH
CS=("$CONVSCOPE_E2E_NODE" "$CONVSCOPE_E2E_CODE_SERVER" --user-data-dir "$USER_DATA" --extensions-dir "$EXTENSIONS")

echo "[studio] installing $(basename "$VSIX")"
if ! out=$("${CS[@]}" --install-extension "$VSIX" --force 2>&1) || ! grep -qi 'successfully installed' <<<"$out"; then
  echo "studio: installing $VSIX failed:" >&2; echo "$out" >&2; exit 1
fi

LOG="$STATE/code-server.log"
setsid "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override > "$LOG" 2>&1 &
PGID=$!
stop() {
  trap - INT TERM EXIT
  if kill -0 "$PGID" 2>/dev/null || [ -n "$(ps -o pid= -g "$PGID" 2>/dev/null)" ]; then
    echo; echo "[studio] stopping code-server (process group $PGID)"
    kill -TERM -- "-$PGID" 2>/dev/null || true
    for _ in $(seq 50); do [ -z "$(ps -o pid= -g "$PGID" 2>/dev/null)" ] && break; sleep 0.1; done
    kill -KILL -- "-$PGID" 2>/dev/null || true
  fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

for _ in $(seq 120); do
  if ! kill -0 "$PGID" 2>/dev/null; then echo "studio: code-server exited; see $LOG" >&2; tail -n 20 "$LOG" >&2; exit 1; fi
  if node -e "fetch('http://127.0.0.1:$PORT/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then break; fi
  sleep 0.5
done
if ! node -e "fetch('http://127.0.0.1:$PORT/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
  echo "studio: code-server did not answer on 127.0.0.1:$PORT within 60 s; see $LOG" >&2; exit 1
fi
URL="http://127.0.0.1:$PORT/?folder=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]).replace(/%2F/g, "/"))' "$WORKSPACE")"
echo "[studio] ConvScope in code-server: $URL"
echo "[studio] log: $LOG   extension host logs: $USER_DATA/logs   Ctrl-C to stop"
wait "$PGID" || true
echo "studio: code-server exited; see $LOG" >&2
