#!/usr/bin/env bash
# Run the whole test suite through CKAN's pytest plugin (test.ini).
# Extra arguments go to pytest (e.g. `make test PYTEST_ARGS="-k search"`).
source "$(dirname "$0")/common.sh"
cd "$ROOT"
export SEKTORAL_ARTIFACTS="${SEKTORAL_ARTIFACTS:-$ROOT/test-artifacts}"
mkdir -p "$SEKTORAL_ARTIFACTS" /tmp/ckanext-sektoral-test/storage
# Playwright must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# One worker per core (at most 4; SEKTORAL_TEST_WORKERS overrides, 1 runs
# in this process). Each worker has its own databases (tests/workers.py);
# a test module, and everything on the live demo portal, stays on one
# worker (tests/conftest.py groups them).
WORKERS="${SEKTORAL_TEST_WORKERS:-$(nproc 2>/dev/null || echo 1)}"
[ "$WORKERS" -gt 4 ] && WORKERS=4
XDIST=()
if [ "$WORKERS" -gt 1 ]; then
    XDIST=(-n "$WORKERS" --dist loadgroup)
fi
set +e
"$PY" -m pytest --ckan-ini=test.ini "${XDIST[@]}" "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    die "pytest collected no tests"
fi
exit "$rc"
