# SIMIS — every developer and CI command. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help

.PHONY: demo-totp
.PHONY: help install run test lint format messages bench test-rules test-db test-browser \
        browser-deps db-start db-stop clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed ## Create .venv and install SIMIS with its development tools

run: install ## The whole system: embedded PostgreSQL, migrations, demo data, web + job worker
	$(PY) -m simis.run

demo-totp: install ## Current TOTP code of a demo account: make demo-totp ACCOUNT=staff
	@SIMIS_DEMO=true $(PY) manage.py demo_totp $(or $(ACCOUNT),staff)

db-start: install ## Start the embedded PostgreSQL (var/pg)
	$(PY) -m simis.devdb start

db-stop: install ## Stop the embedded PostgreSQL
	$(PY) -m simis.devdb stop

lint: install ## Every static gate: format, ruff, mypy, import contracts, migrations, Arabic catalogue
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	SIMIS_TESTING=true $(VENV)/bin/mypy simis config
	$(VENV)/bin/lint-imports
	SIMIS_TESTING=true $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m simis.core.i18n_check

format: install ## Rewrite code with ruff's formatter and fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install ## Extract strings into every app's Arabic catalogue and compile them
	SIMIS_TESTING=true $(PY) -m simis.core.i18n_check --extract

test-rules: install ## Fast rule tests (no database)
	$(VENV)/bin/pytest -q -m "not django_db and not browser"

test-db: install ## Service, view and API tests on PostgreSQL
	$(VENV)/bin/pytest -q -m "not browser"

test-browser: install ## Browser tests (Playwright driving Debian's /usr/bin/chromium)
	$(VENV)/bin/pytest -q -m browser

test: lint ## Lint gates, then every test (what CI runs)
	$(VENV)/bin/pytest -q

bench: install ## Benchmarks (print figures and their baseline ratio)
	@ls bench/*.py >/dev/null 2>&1 && for b in bench/bench_*.py; do $(PY) $$b || exit 1; done || echo "no benchmarks yet"

browser-deps: ## Install Debian's Chromium, Arabic fonts, gettext and WeasyPrint's Pango (needs root)
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium fonts-noto-core fonts-kacst fonts-dejavu-core gettext \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

clean: ## Remove the virtual environment and var/ (the embedded database too)
	-$(PY) -m simis.devdb stop
	rm -rf $(VENV) var test-output
