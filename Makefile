# LoanDesk: `make run` sets everything up and serves the panel; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2
export FLASK_APP := run.py

.PHONY: run test test-sqlite test-postgres setup sysdeps translations extract-messages lint bench clean

run: setup
	@$(BIN)/flask loandesk init
	@$(BIN)/flask loandesk demo-logins
	@echo "LoanDesk is starting on http://127.0.0.1:$(PORT)  (Ctrl-C stops it)"
	@exec $(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - run:app

test: setup
	@$(BIN)/ruff check --quiet app seed tests bench scripts config.py run.py
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== tests on SQLite =="
	$(BIN)/python -m pytest -q

test-postgres:
	@echo "== tests on PostgreSQL =="
	@scripts/with-postgres.sh $(BIN)/python -m pytest -q

setup: $(VENV)/.installed sysdeps translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# System packages the app needs: a CJK font for PDFs (installed only when missing).
sysdeps:
	@scripts/install-sysdeps.sh

translations: $(VENV)/.installed
	@$(BIN)/python scripts/compile_translations.py

extract-messages: $(VENV)/.installed
	$(BIN)/python scripts/extract_messages.py

lint: $(VENV)/.installed
	$(BIN)/ruff check app seed tests bench scripts config.py run.py

bench: setup
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_schedule.py
	$(BIN)/python bench/bench_contracts.py
	$(BIN)/python bench/bench_daily.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
