#!/usr/bin/env bash
# Runs the README's walk-through verbatim against a fresh service, on SQLite and on PostgreSQL.
# Usage: tests/walkthrough.sh (from the repository root; needs a release build and PostgreSQL).
set -euo pipefail
root=$(pwd)
binary="$root/target/release/rightsdesk"
script=$(mktemp)
sed -n '/<!-- walkthrough:start -->/,/<!-- walkthrough:end -->/p' README.md | sed '/^<!--/d; /^```/d' > "$script"

run_once() {
  local label=$1 base dir
  # The same layout as the repository: the service's folder, with ../shared beside it.
  base=$(mktemp -d)
  dir="$base/main"
  mkdir -p "$dir"
  if [ -d "$root/../shared/corpus" ]; then
    ln -s "$(cd "$root/../shared" && pwd)" "$base/shared"
  else
    # No shared/ beside this checkout: the corpus copy in the fixtures stands in for it.
    mkdir -p "$base/shared" && ln -s "$root/tests/fixtures/extraction/corpus" "$base/shared/corpus"
  fi
  echo "== README walk-through on $label (in $dir)"
  (cd "$dir" && exec "$binary" serve > server.log 2>&1) &
  local pid=$!
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:8080/healthz > /dev/null && break; sleep 0.2; done
  local out
  out=$(cd "$dir" && bash -euo pipefail "$script") || { cat "$dir/server.log"; kill "$pid"; exit 1; }
  echo "$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$out" | grep -q '"items":\[{"id":1,"title":"Ukrainian President Open To Resign' \
    || { echo "walk-through on $label did not list the article" >&2; exit 1; }
  echo "$out" | grep -q "'copyright_holder': 'Worthy News'" \
    || { echo "walk-through on $label did not extract the rights" >&2; exit 1; }
  echo "$out" | grep -q '"allowed":true' || { echo "walk-through on $label: the rights check did not allow" >&2; exit 1; }
  ls "$dir"/data/outbox/*.eml > /dev/null 2>&1 || { echo "walk-through on $label: no expiry email in data/outbox" >&2; exit 1; }
  grep -l "License ending" "$dir"/data/outbox/*.eml > /dev/null || { echo "walk-through on $label: the email is not an expiry notice" >&2; exit 1; }
  echo "$out" | grep -q '"role":"admin"' || { echo "walk-through on $label did not log in" >&2; exit 1; }
  rm -rf "$base"
}

unset RIGHTSDESK_DATABASE_URL
run_once SQLite
if [ -n "${RIGHTSDESK_TEST_POSTGRES_URL:-}" ]; then
  db="rightsdesk_walkthrough_$$"
  psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"
  export RIGHTSDESK_DATABASE_URL="${RIGHTSDESK_TEST_POSTGRES_URL%/*}/$db"
  run_once PostgreSQL
  unset RIGHTSDESK_DATABASE_URL
  psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "DROP DATABASE $db WITH (FORCE)"
fi
echo "walkthrough: 2 passed, 0 failed"
