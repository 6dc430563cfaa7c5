# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench install install-test demo clean

# DEMO=0: a real, empty forum (no demo community is loaded into it).
DEMO ?= 1

# Reply by email on a laptop: emails carry reply+…@localhost addresses, and `flask mail deliver`
# takes a reply (`welcome` says how). Only `make run` sets it: a deployment chooses its own domain.
run: export FLASK_MAIL_INCOMING_DOMAIN ?= localhost

# Each step says in a line what it did; the last line says where to open the forum and how to log in.
run: $(VENV)/.installed
	@# init-db runs the migrations (as `flask db upgrade`, quietly), then makes the search index when it is missing.
	@$(FLASK) init-db
	@if [ "$(DEMO)" = 0 ]; then echo "DEMO=0: no demo community is loaded."; \
	else $(FLASK) demo load --if-empty; fi
	@echo "Starting the forum and its background worker (search index, email, scheduled panel questions)..."
	@# The worker runs beside the server and stops with it; `welcome` speaks once both are up.
	@$(FLASK) worker & worker=$$!; $(FLASK) welcome --host $(HOST) --port $(PORT) & welcome=$$!; \
	trap 'kill $$worker $$welcome 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite on SQLite and, at the same time, on PostgreSQL (a throwaway
# cluster the tests start; skipped, with the reason, where PostgreSQL is not
# installed). Each run keeps one core busy, so side by side they take as long
# as the longer one. The PostgreSQL run's report is printed after SQLite's.
# Browser tests run once: what they check does not depend on the database.
test: $(VENV)/.installed-test
	@report=$$(mktemp); \
	echo "The suite on PostgreSQL runs beside this one; its report follows."; \
	TEST_DATABASE=postgresql $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS) >$$report 2>&1 & postgres=$$!; \
	trap 'kill $$postgres 2>/dev/null; rm -f $$report' EXIT INT TERM; \
	$(BIN)/python -m pytest $(PYTEST_ARGS); sqlite_status=$$?; \
	wait $$postgres; postgres_status=$$?; \
	echo; echo "=== The suite on PostgreSQL (TEST_DATABASE=postgresql) ==="; cat $$report; \
	test $$sqlite_status -eq 0 -a $$postgres_status -eq 0

# The benchmark (bench/run.py): BENCH_ARGS="--posts 100000" for a bigger run.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run $(BENCH_ARGS)

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11 or python3 on PATH)."; exit 1; }
	@echo "Creating a virtual environment in $(VENV)..."
	@$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing the forum and its libraries into $(VENV) (a minute or two the first time)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	@echo "Installing the forum with its test tools into $(VENV) (a minute or two the first time)..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
