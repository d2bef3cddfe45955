#!/usr/bin/env bash
# Load benchmark: builds the release binary, seeds a dataset, starts the server, and runs wrk
# against /healthz (the framework's limit on this machine), the rights check, a filtered license
# list, GET /v1/articles/{id} and POST /v1/reprints, authenticated with a partner's API key.
# Prints one table: requests/s, p50, p99, each endpoint's ratio to /healthz, and peak RSS.
#
#   benches/load/run.sh sqlite            # or: postgres (needs RIGHTSDESK_TEST_POSTGRES_URL)
#   LICENSES=100000 DURATION=10s benches/load/run.sh sqlite
#   MODES="healthz check" benches/load/run.sh sqlite      # only these endpoints
#   BENCH_DB=/tmp/bench.db benches/load/run.sh sqlite     # seed once into this file, reuse it after
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-sqlite}
LICENSES=${LICENSES:-1000000}
ARTICLES=${ARTICLES:-100000}
REPRINTS=${REPRINTS:-100000}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18088}
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

# RIGHTSDESK_BIN=path uses a binary built elsewhere (a profiling build, say) instead.
if [ -z "${RIGHTSDESK_BIN:-}" ]; then cargo build --release --quiet; fi
bin="${RIGHTSDESK_BIN:-$PWD/target/release/rightsdesk}"
work=$(mktemp -d)
trap 'kill "${server:-}" 2> /dev/null || true; rm -rf "$work"' EXIT
export RIGHTSDESK_DATA_DIR="$work" RIGHTSDESK_LOG=warn RIGHTSDESK_NOTIFY_INTERVAL=0
export RIGHTSDESK_ADMIN_EMAIL=admin@bench.test RIGHTSDESK_ADMIN_PASSWORD="bench admin password"
case "$backend" in
  sqlite) export RIGHTSDESK_DATABASE_URL="sqlite://${BENCH_DB:-$work/rightsdesk.db}" ;;
  postgres)
    : "${RIGHTSDESK_TEST_POSTGRES_URL:?set RIGHTSDESK_TEST_POSTGRES_URL}"
    db="rightsdesk_bench_$$"
    psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"
    trap 'kill "${server:-}" 2> /dev/null || true; rm -rf "$work"; psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS '$db' WITH (FORCE)"' EXIT
    export RIGHTSDESK_DATABASE_URL="${RIGHTSDESK_TEST_POSTGRES_URL%/*}/$db" ;;
  *) echo "backend: sqlite or postgres" >&2; exit 1 ;;
esac

partner=101   # outlets 1..100 are sources, 101.. partners
if [ -n "${BENCH_DB:-}" ] && [ -s "$BENCH_DB" ]; then
  echo "== reusing the seeded $BENCH_DB ($backend)"
else
  echo "== seeding $LICENSES licenses ($backend)"
  "$bin" seed --outlets 1000 --articles "$ARTICLES" --licenses "$LICENSES" --reprints "$REPRINTS" 2> /dev/null | tail -n 1
  RIGHTSDESK_PASSWORD="bench partner password" "$bin" user add --email cms@partner.bench --role partner --outlet-id $partner 2> /dev/null
fi

"$bin" serve --bind "127.0.0.1:$PORT" > "${SERVER_LOG:-$work/server.log}" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$PORT"
token=$(curl -s "$base/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email": "cms@partner.bench", "password": "bench partner password"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
key=$(curl -s "$base/v1/api-keys" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name": "bench"}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
# The partner's licensed articles, to vary ids across requests.
ids=$(curl -s "$base/v1/licenses?licensee_outlet_id=$partner&limit=500" -H "Authorization: Bearer $key" \
  | grep -o '"article_id":[0-9][0-9]*' | cut -d: -f2 | sort -un | head -n 300 | paste -sd, -)
[ -n "$ids" ] || { echo "the partner has no article licenses in the dataset" >&2; exit 1; }

lua="$work/bench.lua"
[ -n "${DEBUG_BENCH:-}" ] && { echo "key=$key"; echo "ids=${ids:0:80}"; curl -s -i "$base/v1/rights/check?outlet_id=$partner&article_id=${ids%%,*}&territory=US" -H "Authorization: Bearer $key" | head -20; }
cat > "$lua" <<LUA
local ids = {$ids}
local mode = os.getenv("MODE")
local n = 0
wrk.headers["Authorization"] = "Bearer $key"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  if mode == "check" then
    return wrk.format("GET", "/v1/rights/check?outlet_id=$partner&article_id=" .. id .. "&territory=US")
  elseif mode == "licenses" then
    return wrk.format("GET", "/v1/licenses?licensee_outlet_id=$partner&active_on=20" .. (16 + n % 10) .. "-06-01&limit=50")
  elseif mode == "article" then
    return wrk.format("GET", "/v1/articles/" .. id)
  elseif mode == "reprint" then
    return wrk.format("POST", "/v1/reprints", nil, '{"article_id": ' .. id .. ', "outlet_id": $partner, "reprinted_on": "2026-06-01", "medium": "web", "territory": "US"}')
  end
  return wrk.format("GET", "/healthz")
end
LUA

measure() { # name mode -> "rps p50 p99"
  local out
  # A short warm-up first (caches filled, connections open): the steady state is measured.
  MODE=$2 wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-3s}" -s "$lua" "$base" > /dev/null 2>&1
  out=$(MODE=$2 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$lua" "$base" 2>&1)
  local rps p50 p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "$rps $p50 $p99 ${non2xx:-0}"
}

declare -A result
MODES=${MODES:-healthz check licenses article reprint}
for mode in $MODES; do
  result[$mode]=$(measure "$mode" "$mode")
done
rss=$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$server/status")
health=$(echo "${result[healthz]}" | cut -d' ' -f1)

printf '\n%s, %s licenses, wrk -t%s -c%s -d%s, %s\n' "$backend" "$LICENSES" "$THREADS" "$CONNECTIONS" "$DURATION" "$(nproc) cores"
printf '| endpoint | requests/s | p50 | p99 | ratio to /healthz | non-2xx |\n|---|---|---|---|---|---|\n'
for mode in $MODES; do
  read -r rps p50 p99 bad <<< "${result[$mode]}"
  case $mode in
    healthz) name="GET /healthz" ;; check) name="GET /v1/rights/check" ;;
    licenses) name="GET /v1/licenses?licensee_outlet_id&active_on" ;; article) name="GET /v1/articles/{id}" ;;
    reprint) name="POST /v1/reprints" ;;
  esac
  ratio=$(awk -v a="$rps" -v b="$health" 'BEGIN { printf "%.2f", a / b }')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "$ratio" "$bad"
done
printf 'peak RSS of the server: %s\n' "$rss"
failed=0
for mode in $MODES; do
  read -r _ _ _ bad <<< "${result[$mode]}"
  [ "${bad:-0}" = 0 ] || { echo "$mode: $bad non-2xx answers; the numbers above are not valid" >&2; failed=1; }
done
exit $failed
