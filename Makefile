# One-command entry points. `make report` and `make test` set up the locked
# environment first if it is missing or stale (uv, pinned, from PyPI).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PAPER ?= book/papers/2018-01-09_children-and-young-people.yml
CHROMIUM_BIN ?= /usr/bin/chromium
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup chromium report publish lint format test test-fast bench bench-tests bench-ssda903 synth dfe-rules clean

help: ## Show this help
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	@echo "Installing uv $(UV_VERSION) into $(TOOLS)/ ..."
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	@echo "Installing the locked environment into $(VENV)/ ..."
	@$(UV) sync --frozen --python 3.11 --compile-bytecode --quiet
	@touch $@

setup: $(VENV)/.synced ## Install uv and the locked environment (done automatically)

# Debian's Chromium prints the PDF edition and runs the browser tests. Installed
# with apt-get when missing and we are root (CI); otherwise say how.
chromium: ## Install Debian's Chromium if missing (as root; needed for the PDF and browser tests)
	@if [ -x "$(CHROMIUM_BIN)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Chromium (Debian package chromium) ..."; \
	  ok=; for attempt in 1 2 3; do \
	    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 && \
	       DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	         chromium fonts-liberation >/dev/null 2>&1; then ok=1; break; fi; \
	    echo "  apt-get failed (attempt $$attempt), retrying ..."; sleep 5; \
	  done; \
	  if [ -z "$$ok" ] || [ ! -x "$(CHROMIUM_BIN)" ]; then echo "Could not install Chromium with apt-get" >&2; exit 1; fi; \
	  "$(CHROMIUM_BIN)" --version 2>/dev/null | head -1; \
	else \
	  echo "Chromium is not installed: as root run 'make chromium' (apt-get install chromium), or publish with --no-pdf;"; \
	  echo "the PDF and browser tests are skipped without it."; \
	fi

report: setup ## Build the book for PAPER (default: the January 2018 paper) into book/_build/html
	@$(PY) -m analysis build $(PAPER)

publish: setup ## Publish PAPER as an edition in site/<edition>/ (DRAFT=1: a draft; NOPDF=1: HTML only)
	@$(PY) -m analysis publish $(PAPER) $(if $(DRAFT),--draft) $(if $(NOPDF),--no-pdf)

# The tiers are pytest markers (tests/conftest.py): unit, build, slow, browser.
# Two pytest workers share the machine's cores; each test file (and each notebook's nbval cells,
# which share a kernel) runs on one worker, in the order given (--no-loadscope-reorder): the
# longest files first, so that they start at once on different workers and the short files fill
# in after them (the DfE rules need no publish, so the browser tests start once the shared publish
# that test_publish.py makes exists); then every other file in name order, then nbval.
PYTEST := $(PY) -m pytest -p no:cacheprovider -n $(or $(TEST_WORKERS),2) --dist loadfile --no-loadscope-reorder
LONGEST := tests/test_publish.py tests/test_ssda903_dfe_rules.py tests/test_latest_paper.py tests/test_browser.py
TESTS := $(LONGEST) $(filter-out $(LONGEST),$(sort $(wildcard tests/test_*.py)))
NBVAL := book/_build/executed --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg

lint: setup ## Check the code with ruff (lint and format); fails on any finding
	@$(PY) -m ruff check analysis tests bench
	@$(PY) -m ruff format --check analysis tests bench

format: setup ## Format the code and fix what ruff can fix safely
	@$(PY) -m ruff format analysis tests bench
	@$(PY) -m ruff check --fix analysis tests bench

test: setup chromium lint ## Lint, build the default book, then every test tier (unit, build, slow, browser) and nbval
	@$(PY) -m analysis build $(PAPER)
	@$(PYTEST) $(TESTS) $(NBVAL)

test-fast: setup ## The unit tier only: no book build, no ../shared, no browser (about a minute)
	@$(PY) -m pytest -p no:cacheprovider -q -n $(or $(TEST_WORKERS),2) -m "not (build or slow or browser)" tests

bench: setup ## Time each build stage and record peak memory in bench/build.json
	@$(PY) -m analysis bench $(PAPER) --out bench/build.json

bench-tests: setup ## Time make test-fast and make test (cold build) into bench/tests.json
	@$(PY) -m analysis bench --tests --out bench/tests.json

bench-ssda903: setup ## Time load, validation and the episode model on a national-sized synthetic data set
	@$(PY) -m analysis bench --ssda903 --out bench/ssda903.json

synth: setup ## Regenerate the SYNTHETIC default child-level data (data/ssda903/cambridgeshire-synthetic)
	@$(PY) -m analysis synth --la Cambridgeshire --years 2012-2025 --seed 2018

dfe-rules: setup ## Run DfE's validation rules on the synthetic data; refresh the committed summary
	@$(PY) -m analysis validate data/ssda903/cambridgeshire-synthetic --dfe-rules --out build/validation/cambridgeshire-synthetic
	@mkdir -p data/ssda903/dfe_rules
	@cp build/validation/cambridgeshire-synthetic/dfe_rules_summary.csv data/ssda903/dfe_rules/cambridgeshire-synthetic.csv

clean: ## Remove builds (not the environment)
	rm -rf book/_build build
