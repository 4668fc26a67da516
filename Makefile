# ckanext-sektoral: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
ROOT := $(CURDIR)
VENV ?= $(ROOT)/.venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: help venv services lint test demo demo-stop bench wheel-check clean

help:
	@echo "make demo        run the portal with demo data at http://127.0.0.1:$${SEKTORAL_PORT:-5000}"
	@echo "make demo-stop   stop the demo portal and its worker"
	@echo "make test        run the whole test suite (installs what it needs; runs make lint first)"
	@echo "make lint        ruff, mypy and the import contracts (pyproject.toml)"
	@echo "make bench       run the benchmarks under bench/ and print their report"
	@echo "make wheel-check build the wheel, install it into a fresh venv, check plugins and schemas"

venv:
	@bash scripts/ensure-venv.sh

services:
	@bash scripts/ensure-services.sh ckan_test ckan_test_browser ckan_test_remote

lint: venv
	@bash scripts/lint.sh

test: venv services lint
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-system-libs.sh
	@bash scripts/test.sh $(PYTEST_ARGS)

demo: venv
	@bash scripts/ensure-system-libs.sh
	@bash scripts/demo.sh

demo-stop:
	@bash scripts/demo.sh stop

bench: venv services
	@bash scripts/ensure-system-libs.sh
	@bash scripts/bench.sh

wheel-check: venv
	@bash scripts/ensure-system-libs.sh
	@bash scripts/wheel-check.sh

clean:
	rm -rf build dist *.egg-info test-artifacts bench/results
