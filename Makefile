# make run    the whole of Unstuck on this machine, with demo data
# make test   the test suite
# make bench  the benchmarks in tests/bench
# make load   the load run: 50 people for 60 s against gunicorn, with the ceiling beside it
# make faults the fault suite: Redis, workers, SMTP and the database broken on purpose

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# Reinstall only when pyproject.toml or a lock changes: these stamps are newer otherwise.
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
# The OpenID provider the single sign-on tests start (npm's oidc-provider), installed again
# only when its lock changes.
PROVIDER_DIR := tests/sso/provider
PROVIDER_STAMP := $(PROVIDER_DIR)/node_modules/.installed
# The Adaptive Card renderer the Teams tests draw cards with in Chromium (npm's adaptivecards).
RENDERER_DIR := tests/teams/renderer
RENDERER_STAMP := $(RENDERER_DIR)/node_modules/.installed

export FLASK_APP := app.factory

.PHONY: run test bench load faults

run: $(APP_STAMP)
	$(BIN)/flask dev

# Lint, the layer contracts, types on the pure cores (all three set in pyproject.toml), then
# the suite: one worker process per core, each with a database and a Redis database of its own.
test: $(DEV_STAMP) $(PROVIDER_STAMP) $(RENDERER_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/pytest -n auto

bench: $(DEV_STAMP)
	@found=0; \
	for file in tests/bench/*.py; do \
		[ -e "$$file" ] || continue; \
		name=$$(basename "$$file" .py); \
		case "$$name" in _*|conftest) continue;; esac; \
		found=1; \
		echo "== $$name"; \
		$(BIN)/python -m tests.bench.$$name || exit 1; \
	done; \
	[ $$found = 1 ] || echo "No benchmarks yet: add modules to tests/bench/."

load: $(DEV_STAMP)
	$(BIN)/python -m tests.bench.load

# In one process: the tests start, kill and restart real processes of their own.
faults: $(DEV_STAMP)
	$(BIN)/pytest -p no:xdist -m faults tests/faults -q

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The exact versions the tests passed with (requirements/*.lock), then Unstuck itself.
$(APP_STAMP): pyproject.toml requirements/run.lock | $(BIN)/python
	$(PIP) install -r requirements/run.lock
	$(PIP) install --no-deps -e .
	touch $@

# The dev lock holds everything the app's does, so this stamp also stands for the app's.
$(DEV_STAMP): pyproject.toml requirements/dev.lock | $(BIN)/python
	$(PIP) install -r requirements/dev.lock
	$(PIP) install --no-deps -e .
	touch $(APP_STAMP) $@

# Without npm the provider's tests skip and say so; everything else still runs.
$(PROVIDER_STAMP): $(PROVIDER_DIR)/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix $(PROVIDER_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the single sign-on tests with the OpenID provider will skip."; \
	fi

# Without npm the card-rendering test skips and says so; the other Teams tests still run.
$(RENDERER_STAMP): $(RENDERER_DIR)/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix $(RENDERER_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the Teams card-rendering test will skip."; \
	fi
