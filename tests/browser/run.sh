#!/usr/bin/env bash
# Browser tests of the pages (docs/web.md): a release build served on SQLite and on PostgreSQL,
# driven by selenium through Debian's chromium and chromium-driver, with axe-core injected on
# every page (serious or critical findings fail). Screenshots go to target/screenshots/.
# Usage: tests/browser/run.sh [sqlite|postgres|both]   (needs `cargo build --release` first)
set -euo pipefail
cd "$(dirname "$0")/../.."
WHICH="${1:-both}"
BIN="${RIGHTSDESK_BIN:-$PWD/target/release/rightsdesk}"
VENV=target/browser-venv
AXE_VERSION=4.10.3
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }

if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
  echo "== installing chromium and chromium-driver (Debian)"
  apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }
fi
if ! "$VENV/bin/python" -c 'import selenium' 2>/dev/null \
   || ! diff -q tests/browser/requirements.txt "$VENV/requirements.txt" >/dev/null 2>&1; then
  echo "== installing selenium into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tests/browser/requirements.txt
  cp tests/browser/requirements.txt "$VENV/requirements.txt"
fi
AXE=target/browser-axe/node_modules/axe-core/axe.min.js
if [ ! -f "$AXE" ] || ! grep -q "$AXE_VERSION" target/browser-axe/node_modules/axe-core/package.json; then
  echo "== installing axe-core@$AXE_VERSION from npm"
  rm -rf target/browser-axe
  npm install --silent --no-audit --no-fund --prefix target/browser-axe "axe-core@$AXE_VERSION" >/dev/null
fi
mkdir -p target/screenshots

WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# One run: a fresh database, a server, the scenarios. $1 backend, $2 database URL, $3 scenarios.
run() {
  local backend=$1 url=$2 only=$3
  local port smtp
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # A mail server that is not there: notices fail, and the desk shows them with a retry button.
  smtp=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -rf "$WORK/data" && mkdir -p "$WORK/data"
  RIGHTSDESK_DATABASE_URL="$url" RIGHTSDESK_DATA_DIR="$WORK/data" RIGHTSDESK_BIND="127.0.0.1:$port" \
    RIGHTSDESK_ADMIN_EMAIL=admin@browser.test RIGHTSDESK_ADMIN_PASSWORD=browser-test-password \
    RIGHTSDESK_SMTP_URL="smtp://127.0.0.1:$smtp" RIGHTSDESK_NOTIFY_INTERVAL=0 \
    RIGHTSDESK_LOGIN_MAX_FAILURES=1000 \
    "$BIN" serve >"$WORK/server-$backend.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$WORK/server-$backend.log" >&2; exit 1; }
  echo "== browser tests on $backend ($only)"
  if ! "$VENV/bin/python" tests/browser/pages.py --base "http://127.0.0.1:$port" --backend "$backend" \
      --only "$only" --axe "$AXE" --shots target/screenshots \
      --article ../shared/corpus/worthy-news-zelenskyy.txt; then
    echo "--- server log ($backend)" >&2; tail -50 "$WORK/server-$backend.log" >&2; exit 1
  fi
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

if [ "$WHICH" = sqlite ] || [ "$WHICH" = both ]; then
  run sqlite "sqlite://$WORK/data/rightsdesk.db" all
fi
if [ "$WHICH" = postgres ] || [ "$WHICH" = both ]; then
  DB="rightsdesk_browser_$$"
  createdb -h 127.0.0.1 -U postgres "$DB"
  trap 'cleanup; dropdb -h 127.0.0.1 -U postgres --if-exists "$DB"' EXIT
  run postgres "postgres://postgres@127.0.0.1:5432/$DB" "sign-in,portal"
fi
echo "== browser tests passed; screenshots in target/screenshots/"
