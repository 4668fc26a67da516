#!/usr/bin/env bash
# The architecture CI holds (run by `make test` before the tests):
# ruff (pyflakes, pycodestyle, bugbear), mypy, and the import contracts of
# pyproject.toml (the core imports neither CKAN nor the adapters; the
# search backend imports nothing of the product).
source "$(dirname "$0")/common.sh"
cd "$ROOT"
log "ruff"
"$VENV/bin/ruff" check ckanext tests bench
log "mypy"
"$VENV/bin/mypy"
log "import contracts"
"$VENV/bin/lint-imports" --no-cache
