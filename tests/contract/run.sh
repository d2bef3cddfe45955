#!/usr/bin/env bash
# Contract checks against a running release build (SQLite, fresh data folder):
#   1. schemathesis fuzzes every operation of /openapi.json, authenticated as an admin, with all
#      checks on and a bounded number of examples per operation;
#   2. tests/contract/jsonld_check.py expands the ODRL and schema.org JSON-LD with a real
#      JSON-LD processor (pyld) and checks the terms land on the right IRIs.
# Usage: tests/contract/run.sh [max-examples]   (needs `cargo build --release` first)
set -euo pipefail
cd "$(dirname "$0")/../.."
EXAMPLES="${1:-${SCHEMATHESIS_EXAMPLES:-20}}"
BIN="${RIGHTSDESK_BIN:-target/release/rightsdesk}"
VENV=target/contract-venv
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }

if ! "$VENV/bin/python" -c 'import schemathesis, pyld' 2>/dev/null \
   || ! diff -q tests/contract/requirements.txt "$VENV/requirements.txt" >/dev/null 2>&1; then
  echo "== installing schemathesis and pyld into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tests/contract/requirements.txt
  cp tests/contract/requirements.txt "$VENV/requirements.txt"
fi

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

PASSWORD="contract-check-$(date +%s)-pw"
mkdir -p "$WORK/data"
RIGHTSDESK_DATABASE_URL="sqlite://$WORK/data/rightsdesk.db" RIGHTSDESK_DATA_DIR="$WORK/data" RIGHTSDESK_BIND="127.0.0.1:$PORT" \
  RIGHTSDESK_ADMIN_EMAIL=admin@contract.test RIGHTSDESK_ADMIN_PASSWORD="$PASSWORD" \
  RIGHTSDESK_LOGIN_MAX_FAILURES=1000 RIGHTSDESK_LOG_FORMAT=json \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done
if ! curl -sf "$BASE/readyz" >/dev/null; then
  echo "the server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1
fi

TOKEN=$(curl -sf "$BASE/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\": \"admin@contract.test\", \"password\": \"$PASSWORD\"}" \
  | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

echo "== JSON-LD expanded with pyld"
[ -n "${SKIP_JSONLD:-}" ] || "$VENV/bin/python" tests/contract/jsonld_check.py "$BASE" "$TOKEN"

# updateOutlet is left out: schemathesis 4.32's coverage phase builds a "missing required property:
# name" case for it although the patch schema requires nothing, and flags the 200 it gets
# (tests/api/outlets.rs covers PATCH /v1/outlets/{id} on both backends instead).
echo "== schemathesis: every operation but updateOutlet, all checks, $EXAMPLES examples each"
status=0
"$VENV/bin/schemathesis" --config-file tests/contract/schemathesis.toml run "$BASE/openapi.json" \
  --checks all \
  --exclude-operation-id updateOutlet \
  -H "Authorization: Bearer $TOKEN" \
  --max-examples "$EXAMPLES" --seed "${SCHEMATHESIS_SEED:-20261128}" --workers 2 \
  --phases examples,coverage,fuzzing \
  --suppress-health-check too_slow,filter_too_much \
  --request-timeout 10 \
  --report junit --report-dir "$WORK/report" || status=$?

# actix-http logs a request line it cannot parse (schemathesis sends such headers on purpose) at
# ERROR level before any of our code runs; that one is the client's error, not ours.
if grep '"level":"ERROR"' "$WORK/server.log" | grep -v 'request parse error' | grep -q .; then
  echo "server logged errors:" >&2
  grep '"level":"ERROR"' "$WORK/server.log" | grep -v 'request parse error' | head -20 >&2
  status=1
fi
if grep -E -q "$PASSWORD|$TOKEN" "$WORK/server.log"; then
  echo "a secret reached the server log" >&2
  status=1
fi
exit $status
