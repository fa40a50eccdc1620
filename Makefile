# O2C: two commands on a fresh machine.
#   make run   the app on http://127.0.0.1:8000 with demo data (embedded PostgreSQL unless DATABASE_URL)
#   make test  lint, import contract and the whole pytest suite on PostgreSQL and Redis
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= 2

.PHONY: run test install lint pytest vendor lock stop-db bench-idempotency bench bench-peer bench-data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

run: install
	bash scripts/run.sh

test: install
	bash scripts/system-deps.sh
	bash scripts/ensure-services.sh
	$(MAKE) lint pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --durations=25 $(PYTEST_ARGS)

# Benchmarks (BENCHMARKS.md, decision 0049): every bench/ script of the protocol, 3 runs, against
# a scratch database, gunicorn and a Celery worker; rewrites BENCHMARKS.md's measured tables.
# bench-peer adds the lean ceiling view and Tryton (../shared/peers/tryton) in the same run.
#   make bench BENCH_ARGS="--quick --runs 1"      a smoke run
bench: install
	bash scripts/ensure-services.sh
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-peer: install
	bash scripts/ensure-services.sh
	$(BIN)/python bench/run.py --peer $(BENCH_ARGS)

# Front-end assets are vendored under static/vendor (no CDN, no build step); this refreshes them.
vendor:
	bash scripts/vendor.sh

# Re-resolve requirements.lock from pyproject.toml in a scratch virtual environment.
lock:
	rm -rf /tmp/o2c-lock && $(PYTHON) -m venv /tmp/o2c-lock
	/tmp/o2c-lock/bin/pip install --quiet --upgrade pip
	/tmp/o2c-lock/bin/pip install --quiet ".[dev]"
	/tmp/o2c-lock/bin/pip freeze --exclude o2c --exclude pip > requirements.lock

# The kept history databases bench/reports times (1,000,000 invoices, about 5–11 minutes on two
# cores; reused while the generator's version and arguments are unchanged). BENCH_DATA_ARGS=--growth
# adds the 100,000-invoice history of the growth curve.
bench-data: install
	$(BIN)/python bench/reports --generate-only $(BENCH_DATA_ARGS)

stop-db:
	$(BIN)/python -m o2c.embedded_db stop

clean:
	rm -rf $(VENV) staticfiles
