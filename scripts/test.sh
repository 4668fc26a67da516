#!/usr/bin/env bash
# Run the whole test suite through CKAN's pytest plugin (test.ini).
# Extra arguments go to pytest (e.g. `make test PYTEST_ARGS="-k search"`).
source "$(dirname "$0")/common.sh"
cd "$ROOT"
export SEKTORAL_ARTIFACTS="${SEKTORAL_ARTIFACTS:-$ROOT/test-artifacts}"
mkdir -p "$SEKTORAL_ARTIFACTS" /tmp/ckanext-sektoral-test/storage
# Playwright must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
set +e
"$PY" -m pytest --ckan-ini=test.ini "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    die "pytest collected no tests"
fi
exit "$rc"
