#!/usr/bin/env bash
# `make bench`: run every benchmark under bench/ against the test database
# and print their reports; JSON results land in bench/results/.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p bench/results
status=0
for script in bench/bench_*.py; do
    [ -e "$script" ] || continue
    log "running $script"
    "$PY" "$script" --ckan-ini "$ROOT/test.ini" || status=1
done
exit $status
