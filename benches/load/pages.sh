#!/usr/bin/env bash
# Latency of each page at 1M licenses, for a partner holding about 100 of them: seeds a dataset
# (11,000 outlets: 1,100 sources and 9,900 partners, so about 100 licenses each), signs a partner
# and the admin in through the sign-in form, and times each page with curl, one request at a
# time. Prints median and p95 per page.
#
#   benches/load/pages.sh                     # sqlite; or: postgres (needs RIGHTSDESK_TEST_POSTGRES_URL)
#   LICENSES=100000 N=20 benches/load/pages.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-sqlite}
LICENSES=${LICENSES:-1000000}
ARTICLES=${ARTICLES:-100000}
REPRINTS=${REPRINTS:-100000}
OUTLETS=${OUTLETS:-11000}
N=${N:-50}
PORT=${PORT:-18089}
bin="${RIGHTSDESK_BIN:-$PWD/target/release/rightsdesk}"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "${server:-}" 2> /dev/null || true; rm -rf "$work"' EXIT
export RIGHTSDESK_DATA_DIR="$work" RIGHTSDESK_LOG=warn RIGHTSDESK_NOTIFY_INTERVAL=0
export RIGHTSDESK_ADMIN_EMAIL=admin@bench.test RIGHTSDESK_ADMIN_PASSWORD="bench admin password"
case "$backend" in
  sqlite) export RIGHTSDESK_DATABASE_URL="sqlite://$work/rightsdesk.db" ;;
  postgres)
    : "${RIGHTSDESK_TEST_POSTGRES_URL:?set RIGHTSDESK_TEST_POSTGRES_URL}"
    db="rightsdesk_pages_$$"
    psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"
    trap 'kill "${server:-}" 2> /dev/null || true; rm -rf "$work"; psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS '$db' WITH (FORCE)"' EXIT
    export RIGHTSDESK_DATABASE_URL="${RIGHTSDESK_TEST_POSTGRES_URL%/*}/$db" ;;
  *) echo "backend: sqlite or postgres" >&2; exit 1 ;;
esac

echo "== seeding $LICENSES licenses over $OUTLETS outlets ($backend)"
"$bin" seed --outlets "$OUTLETS" --articles "$ARTICLES" --licenses "$LICENSES" --reprints "$REPRINTS" 2> /dev/null | tail -n 1
partner=$((OUTLETS / 10 + 1))   # the first tenth are sources; this is the first partner
RIGHTSDESK_PASSWORD="bench admin password" "$bin" user add --email admin@bench.test --role admin > /dev/null 2>&1
RIGHTSDESK_PASSWORD="bench partner password" "$bin" user add --email editor@partner.bench --role partner --outlet-id $partner > /dev/null 2>&1

"$bin" serve --bind "127.0.0.1:$PORT" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$PORT"

# Sign in through the form; the cookie jar keeps the session.
sign_in() {
  local jar=$1 email=$2 password=$3 csrf
  csrf=$(curl -s -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | awk -F'value="' 'NR == 1 { sub(/"$/, "", $2); print $2 }')
  curl -s -b "$jar" -c "$jar" -o /dev/null "$base/login" --data-urlencode "email=$email" \
    --data-urlencode "password=$password" --data-urlencode "csrf=$csrf"
}
sign_in "$work/partner.jar" editor@partner.bench "bench partner password"
sign_in "$work/admin.jar" admin@bench.test "bench admin password"
token=$(curl -s "$base/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email": "admin@bench.test", "password": "bench admin password"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
licenses=$(curl -s "$base/v1/licenses?licensee_outlet_id=$partner&limit=500" -H "Authorization: Bearer $token")
held=$(echo "$licenses" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
article=$(echo "$licenses" | python3 -c 'import json,sys; print(next((l["article_id"] for l in json.load(sys.stdin)["items"] if l.get("article_id")), ""))')
echo "partner outlet $partner holds $held licenses; checking article $article"
csrf=$(curl -s -b "$work/admin.jar" "$base/desk/ingest" | grep -o 'name="csrf" value="[^"]*"' | awk -F'value="' 'NR == 1 { sub(/"$/, "", $2); print $2 }')
article_text=../shared/corpus/worthy-news-zelenskyy.txt
[ -f "$article_text" ] || article_text=tests/fixtures/extraction/corpus/worthy-news-zelenskyy.txt

# time_page LABEL JAR curl-args...: N requests, one at a time; median and p95 in ms.
time_page() {
  local label=$1 jar=$2; shift 2
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$@")
  for _ in $(seq 1 "$N"); do
    curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" "$@"
  done | sort -n | awk -v label="$label" -v status="$status" '{ t[NR] = $1 * 1000 }
    END { printf "%-34s %s  median %6.1f ms  p95 %6.1f ms  (n=%d)\n", label, status, t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.999)], NR }'
}
echo "== page latencies ($backend, $LICENSES licenses)"
time_page "GET /login" /dev/null "$base/login"
time_page "GET /portal" "$work/partner.jar" "$base/portal"
time_page "GET /portal/check (asked)" "$work/partner.jar" "$base/portal/check?article_id=$article&medium=web&territory=US"
time_page "GET /desk" "$work/admin.jar" "$base/desk"
time_page "GET /desk/ingest" "$work/admin.jar" "$base/desk/ingest"
time_page "POST /desk/ingest (seed article)" "$work/admin.jar" "$base/desk/ingest" \
  --data-urlencode "csrf=$csrf" --data-urlencode "intent=look" --data-urlencode "text@$article_text"
