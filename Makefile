# LoanDesk: `make run` sets everything up and serves the panel; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2
export FLASK_APP := run.py

.PHONY: run test test-sqlite test-postgres setup sysdeps test-sysdeps vendor translations loadtest \
	extract-messages lint bench backup restore clean

run: setup
	@$(BIN)/flask loandesk init
	@$(BIN)/flask loandesk demo-logins
	@echo "LoanDesk is starting on http://127.0.0.1:$(PORT)  (Ctrl-C stops it)"
	@exec $(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - run:app

test: setup test-sysdeps
	@$(BIN)/ruff check --quiet app seed tests bench scripts config.py run.py
	@$(BIN)/lint-imports --no-logo --no-cache  # the layers contract: .importlinter
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# The two passes run at once, one per core (each prints its output when it ends): side by
# side they took 12.5 and 11 min, 12 min 46 s in all (2 cores).

# The browser tests (tests/browser) start their own server on their own SQLite database, so
# they run once, in the SQLite pass; the PostgreSQL pass leaves them out.
# In random order (pytest-randomly): each run ends with its seed; SEED=<n> replays that order
# (make test-sqlite SEED=123).
RANDOM_ORDER = -p randomly $(if $(SEED),--randomly-seed=$(SEED))

test-sqlite:
	@echo "== tests on SQLite =="
	$(BIN)/python -m pytest -q $(RANDOM_ORDER)

test-postgres:
	@echo "== tests on PostgreSQL =="
	@scripts/with-postgres.sh $(BIN)/python -m pytest -q $(RANDOM_ORDER) -m "not browser"

setup: $(VENV)/.installed sysdeps translations vendor

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# System packages the app needs: a CJK font for PDFs (installed only when missing).
sysdeps:
	@scripts/install-sysdeps.sh

# What only the tests need: Debian's chromium for the browser tests (never `playwright install`).
test-sysdeps:
	@scripts/install-sysdeps.sh --test

# Front-end libraries, served by LoanDesk itself from app/static/vendor/ (no CDN: firms run
# offline). npm ci runs only when package-lock.json changed or node_modules lacks the file;
# npm gives extracted files an old fixed date, hence the touch.
VENDOR := app/static/vendor
ECHARTS := node_modules/echarts

vendor: $(VENDOR)/echarts.min.js

$(ECHARTS)/dist/echarts.min.js: package-lock.json package.json | sysdeps
	npm ci --no-audit --no-fund --silent
	@touch $@

# The bundle embeds zrender and parts of d3 (both BSD-3-Clause): their licences go with it.
$(VENDOR)/echarts.min.js: $(ECHARTS)/dist/echarts.min.js
	@mkdir -p $(VENDOR)
	cp $(ECHARTS)/LICENSE $(VENDOR)/echarts.LICENSE
	cp $(ECHARTS)/NOTICE $(VENDOR)/echarts.NOTICE
	cp $(ECHARTS)/licenses/LICENSE-d3 $(VENDOR)/echarts.LICENSE-d3
	cp node_modules/zrender/LICENSE $(VENDOR)/zrender.LICENSE
	cp $< $@

translations: $(VENV)/.installed
	@$(BIN)/python scripts/compile_translations.py

extract-messages: $(VENV)/.installed
	$(BIN)/python scripts/extract_messages.py

lint: $(VENV)/.installed
	$(BIN)/ruff check app seed tests bench scripts config.py run.py

# Every benchmark on SQLite and PostgreSQL, one table (bench/README.md): the seeded databases
# are kept in .bench/ (PostgreSQL: a cluster of its own there, on port 54351 while it runs),
# so only the first run seeds (~40 min on 2 cores); later runs take ~12 min.
bench: setup
	bench/run

# 50 staff sessions for 60 s against gunicorn (4 workers) on the 200k bench database, SQLite
# (WAL) then PostgreSQL, through bench/run and its kept databases (loopback only;
# LOAD_USERS= LOAD_SECONDS= change the load).
loadtest: setup
	bench/run --only loadtest --users $(or $(LOAD_USERS),50) --seconds $(or $(LOAD_SECONDS),60)

# Backups: the database (SQLite online backup / pg_dump -Fc) and the uploads folder in one
# archive with a manifest; BACKUP_DIR=… moves it from backups/. `make restore FILE=…` refuses a
# database or uploads folder that is not empty unless FORCE=1 (which backs them up first).
# (Order-only on the venv: a backup or restore never waits on a pip install.)
backup: | $(VENV)/.installed
	@$(BIN)/python scripts/backup.py backup $(if $(BACKUP_DIR),--dir "$(BACKUP_DIR)")

restore: | $(VENV)/.installed
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/loandesk-….tar.gz [FORCE=1]" >&2; exit 2; }
	@$(BIN)/python scripts/backup.py restore "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force) \
		$(if $(BACKUP_DIR),--dir "$(BACKUP_DIR)")

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis node_modules $(VENDOR)
