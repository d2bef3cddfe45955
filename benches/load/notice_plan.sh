#!/usr/bin/env bash
# The expiry pass costs what is due, not what exists: the same 10,000 licenses due, among 100,000
# and among 1,000,000 licenses, on SQLite. Prints the planning time of five dry-run passes each.
#   benches/load/notice_plan.sh
#   SIZES="2000:0.1 20000:0.01" benches/load/notice_plan.sh   # a smoke run (CI)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
bin="$PWD/target/release/rightsdesk"
for size in ${SIZES:-100000:0.1 1000000:0.01}; do
  licenses=${size%%:*} share=${size##*:}
  work=$(mktemp -d)
  export RIGHTSDESK_DATA_DIR="$work" RIGHTSDESK_DATABASE_URL="sqlite://$work/rightsdesk.db" RIGHTSDESK_LOG=warn
  echo "== $licenses licenses, $share ending within 30 days"
  "$bin" seed --licenses "$licenses" --expiring-share "$share" 2> /dev/null | tail -n 1
  for _ in 1 2 3 4 5; do "$bin" notify --dry-run 2> /dev/null | tail -n 1; done
  rm -rf "$work"
done
