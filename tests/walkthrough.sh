#!/usr/bin/env bash
# Runs the README's walk-through verbatim against a fresh service, on SQLite and on PostgreSQL.
# Usage: tests/walkthrough.sh (from the repository root; needs a release build and PostgreSQL).
set -euo pipefail
root=$(pwd)
binary="${RIGHTSDESK_BIN:-$root/target/release/rightsdesk}"
script=$(mktemp)
sed -n '/<!-- walkthrough:start -->/,/<!-- walkthrough:end -->/p' README.md | sed '/^<!--/d; /^```/d' > "$script"

# A fresh service on :8080 in a folder laid out like a clone of the repository, with nothing
# beside it (the walk-through needs no file outside the repository); sets base, dir and pid.
start_service() {
  base=$(mktemp -d)
  dir="$base/clone"
  mkdir -p "$dir/tests"
  ln -s "$root/tests/fixtures" "$dir/tests/fixtures"
  (cd "$dir" && exec "$binary" serve > server.log 2>&1) &
  pid=$!
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:8080/healthz > /dev/null && break; sleep 0.2; done
}

run_once() {
  local label=$1
  start_service
  echo "== README walk-through on $label (in $dir)"
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

# The desk guide, then the partner guide, verbatim, in one fresh service.
desk_script=$(mktemp)
partner_script=$(mktemp)
sed -n '/<!-- guide:desk:start -->/,/<!-- guide:desk:end -->/p' docs/desk-guide.md | sed '/^<!--/d; /^```/d' > "$desk_script"
sed -n '/<!-- guide:partner:start -->/,/<!-- guide:partner:end -->/p' docs/partner-guide.md | sed '/^<!--/d; /^```/d' > "$partner_script"

run_guides() {
  local label=$1
  start_service
  echo "== desk and partner guides on $label (in $dir)"
  local desk partner
  desk=$(cd "$dir" && bash -euo pipefail "$desk_script" 2>&1) || { echo "$desk"; cat "$dir/server.log"; kill "$pid"; exit 1; }
  echo "$desk"
  partner=$(cd "$dir" && bash -euo pipefail "$partner_script" 2>&1) || { echo "$partner"; cat "$dir/server.log"; kill "$pid"; exit 1; }
  echo "$partner"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  fail() { echo "guides on $label: $1" >&2; exit 1; }
  echo "$desk" | grep -q "Copyright 1999-2025 Worthy News" || fail "the desk guide did not extract the copyright line"
  echo "$desk" | grep -q '"allowed":true' || fail "the desk guide's rights check did not allow Canada"
  echo "$desk" | grep -q '"allowed":false' || fail "the desk guide's rights check did not refuse France"
  echo "$desk" | grep -q "Agreement \['distribute', 'reproduce'\]" || fail "the desk guide did not show the ODRL policy"
  echo "$desk" | grep -q "^SUMMARY:Renew with Worthy News before .*(Gazette)" || fail "the desk guide's calendar has no end date"
  echo "$desk" | grep -q "^Subject: .*License ending" || fail "the desk guide did not produce the expiry email"
  echo "$desk" | grep -q "^To: rights@gazette.example" || fail "the expiry email is not to the partner"
  echo "$partner" | grep -q '"allowed":true' || fail "the partner guide's rights check did not allow"
  echo "$partner" | grep -q '"compliance":"covered"' || fail "the partner guide's reprint was not covered"
  echo "$partner" | grep -q "reproduced with permission" || fail "the partner guide's markup has no credit text"
  echo "$partner" | grep -q "^SUMMARY:Renew with Worthy News before .*(Gazette)" || fail "the partner's calendar has no end date"
  rm -rf "$base"
}

unset RIGHTSDESK_DATABASE_URL
run_once SQLite
run_guides SQLite
if [ -n "${RIGHTSDESK_TEST_POSTGRES_URL:-}" ]; then
  db="rightsdesk_walkthrough_$$"
  psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"
  export RIGHTSDESK_DATABASE_URL="${RIGHTSDESK_TEST_POSTGRES_URL%/*}/$db"
  run_once PostgreSQL
  unset RIGHTSDESK_DATABASE_URL
  psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "DROP DATABASE $db WITH (FORCE)"
  psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"
  export RIGHTSDESK_DATABASE_URL="${RIGHTSDESK_TEST_POSTGRES_URL%/*}/$db"
  run_guides PostgreSQL
  unset RIGHTSDESK_DATABASE_URL
  psql "$RIGHTSDESK_TEST_POSTGRES_URL" -qc "DROP DATABASE $db WITH (FORCE)"
fi
echo "walkthrough: README, desk guide and partner guide passed on SQLite and PostgreSQL"
