#!/usr/bin/env bash
# Clients generated from the contract work unchanged (issue 20):
#   1. a Python client generated with openapi-python-client from the running service's
#      /openapi.json runs a desk workflow (tests/clients/workflow.py), unmodified, on SQLite and
#      on PostgreSQL; the generated models have no `...ItemsItem` copies of an item model;
#   2. TypeScript types generated with openapi-typescript type-check tests/clients/usage.ts (tsc).
# Tools are pinned (requirements.txt, package.json) and installed under target/.
# Usage: tests/clients/run.sh   (needs `cargo build --release` first; PostgreSQL on
#        RIGHTSDESK_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN="${RIGHTSDESK_BIN:-$ROOT/target/release/rightsdesk}"
VENV=$ROOT/target/clients-venv
NPM_PREFIX=$ROOT/target/clients-npm
PG_URL="${RIGHTSDESK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }

SEED=../shared/corpus/worthy-news-zelenskyy.txt
[ -f "$SEED" ] || SEED=tests/fixtures/extraction/corpus/worthy-news-zelenskyy.txt

apt_install() {
  apt-get install -y -qq "$@" > /dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$@"; }
}
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
command -v npm > /dev/null || apt_install nodejs npm

if ! "$VENV/bin/python" -c 'import httpx, attrs, dateutil' 2>/dev/null \
   || ! diff -q tests/clients/requirements.txt "$VENV/requirements.txt" > /dev/null 2>&1; then
  echo "== installing openapi-python-client into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tests/clients/requirements.txt
  cp tests/clients/requirements.txt "$VENV/requirements.txt"
fi
if ! [ -x "$NPM_PREFIX/node_modules/.bin/tsc" ] || ! diff -q tests/clients/package.json "$NPM_PREFIX/package.json" > /dev/null 2>&1; then
  echo "== installing openapi-typescript and typescript into $NPM_PREFIX"
  rm -rf "$NPM_PREFIX"
  mkdir -p "$NPM_PREFIX"
  cp tests/clients/package.json "$NPM_PREFIX/package.json"
  npm install --prefix "$NPM_PREFIX" --no-audit --no-fund --loglevel=error > /dev/null
fi

WORK=$(mktemp -d)
SERVER=""
DB=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  wait 2>/dev/null
  [ -n "$DB" ] && psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

PASSWORD="clients-check-$(date +%s)-pw"
EMAIL=admin@clients.test

# Starts the release binary on the database URL $1 (fresh data folder $2); sets SERVER and BASE.
start() {
  local url=$1 data=$2 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  BASE="http://127.0.0.1:$port"
  mkdir -p "$data"
  RIGHTSDESK_DATABASE_URL="$url" RIGHTSDESK_DATA_DIR="$data" RIGHTSDESK_BIND="127.0.0.1:$port" \
    RIGHTSDESK_ADMIN_EMAIL=$EMAIL RIGHTSDESK_ADMIN_PASSWORD="$PASSWORD" \
    "$BIN" serve > "$data/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "$BASE/readyz" > /dev/null && break; sleep 0.1; done
  curl -sf "$BASE/readyz" > /dev/null || { echo "the server did not start:" >&2; cat "$data/server.log" >&2; exit 1; }
}

stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

# Generates the Python client from the running service and runs the workflow through it.
python_workflow() {
  local label=$1 out=$WORK/py-$1
  mkdir -p "$out"
  curl -sf "$BASE/openapi.json" -o "$out/openapi.json"
  echo "== $label: openapi-python-client generate"
  (cd "$out" && "$VENV/bin/openapi-python-client" generate --path openapi.json \
    --meta none --output-path "$out/rightsdesk_client" > "$out/generate.log" 2>&1) \
    || { cat "$out/generate.log" >&2; exit 1; }
  if ls "$out/rightsdesk_client/models" | grep -i 'items_item'; then
    echo "$label: the generated client has ...ItemsItem copies of an item model" >&2; exit 1
  fi
  if grep -q 'Unable to parse' "$out/generate.log" && grep -v -E '/v1/licenses/import|/v1/calendar.ics|/metrics' "$out/generate.log" | grep -q 'Unable to parse'; then
    echo "$label: the generator skipped operations:" >&2; cat "$out/generate.log" >&2; exit 1
  fi
  echo "== $label: desk workflow through the generated client"
  PYTHONPATH="$out" "$VENV/bin/python" tests/clients/workflow.py "$BASE" "$EMAIL" "$PASSWORD" "$SEED"
}

start "sqlite://$WORK/sqlite/rightsdesk.db" "$WORK/sqlite"
python_workflow SQLite

echo "== TypeScript: openapi-typescript, then tsc --noEmit on tests/clients/usage.ts"
TS=$WORK/ts
mkdir -p "$TS/generated"
cp tests/clients/usage.ts tests/clients/tsconfig.json "$TS/"
"$NPM_PREFIX/node_modules/.bin/openapi-typescript" "$BASE/openapi.json" -o "$TS/generated/rightsdesk.ts" --silent
(cd "$TS" && "$NPM_PREFIX/node_modules/.bin/tsc" --noEmit -p tsconfig.json)
stop

DB="rightsdesk_clients_$$"
psql "$PG_URL" -qc "CREATE DATABASE $DB"
start "${PG_URL%/*}/$DB" "$WORK/postgres"
python_workflow PostgreSQL
stop

echo "clients: the generated Python client ran the workflow on SQLite and PostgreSQL; tsc passed"
