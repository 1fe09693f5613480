# Masthead — the two Quick start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo install install-test test test-sqlite test-postgres lint bench browser checkers clean soak soak-ci

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(STAMP)

install: $(STAMP)

install-test: $(TEST_STAMP)

## Install, migrate SQLite in var/, load the demo newsroom, serve http://127.0.0.1:8000
# Absolute links (canonical, feeds, sitemaps, JSON-LD, emails) point where the demo listens.
demo: export MASTHEAD_SITE_URL ?= http://$(HOST):$(PORT)
demo: $(STAMP)
	$(BIN)/masthead migrate --noinput
	$(BIN)/masthead load_demo
	@echo ""
	@echo "  Masthead is serving at http://$(HOST):$(PORT)/"
	@echo "  Back office:            http://$(HOST):$(PORT)/admin/"
	@$(BIN)/masthead demo_logins
	@echo "  Emails (console backend) and background work: var/worker.log"
	@echo ""
	@mkdir -p var; $(BIN)/masthead worker > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/masthead runserver $(HOST):$(PORT)

## Install what the tests need and run everything: lint, SQLite, then PostgreSQL + Redis
test: $(TEST_STAMP) browser checkers
	$(BIN)/python scripts/run_tests.py

browser:
	@$(PYTHON) scripts/ensure_chromium.py
	@$(PYTHON) scripts/ensure_ops_tools.py

## The standards' own checkers (Nu Html Checker, axe-core) from npm, into .venv/node
checkers:
	@$(PYTHON) scripts/ensure_checkers.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check src bench scripts soak
	$(BIN)/ruff format --check src bench scripts soak
	$(BIN)/mypy src soak
	$(BIN)/lint-imports
	MASTHEAD_VAR_DIR=$$(mktemp -d) $(BIN)/masthead makemigrations --check --dry-run

## Benchmarks: decisions per second per store; metered page vs a bare page under gunicorn;
## renewals per second; e-paper pages per second and peak memory
bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python -m bench.devices

## Load, faults and verdicts on a cluster on this machine (root; ADR 0023): peak search, then
## 10 minutes at 80 % with every fault; report in test-artifacts/soak/. soak-ci: the 2-minute form.
soak: $(TEST_STAMP)
	$(BIN)/python -m soak

soak-ci: $(TEST_STAMP)
	$(BIN)/python -m soak --ci

clean:
	rm -rf $(VENV) var test-artifacts
