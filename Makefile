# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate seed worker beat lint format messages bench bench-scale clean audit

# PYTHONWARNINGS: not setuptools' note that folders named like the packages may shadow them
# on import (here the packages are those folders).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Quiet: a first run applies some sixty migrations; an error still prints.
migrate: install
	$(PY) manage.py migrate --noinput --verbosity 0

seed: migrate
	$(PY) manage.py seed_demo --url http://$(HOST):$(PORT)/

## Serve the demo on http://127.0.0.1:8000 (SQLite, inline Celery, SMS and e-mail on the console).
run: seed
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole suite. The browser tests drive Debian's chromium: installed first where this
## machine can (root with apt-get), otherwise one line says what to run and they skip.
## TEST_WORKERS processes (pytest-xdist), each with its own test database and cache keys;
## the tests of one xdist_group (a shared broker queue) run in one of them.
TEST_WORKERS ?= 2
test: install
	@scripts/ensure_chromium.sh
	@scripts/ensure_gettext.sh
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup

worker: install
	$(VENV)/bin/celery -A omni worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A omni beat --loglevel=INFO

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Refresh the French catalogue from the code and templates, then compile it (needs the
## gettext tools: sudo apt-get install gettext). The French itself is written in
## locale/fr/LC_MESSAGES/django.po, with any gettext editor; the .mo is committed.
messages: install
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --no-obsolete
	$(PY) manage.py compilemessages -l fr --ignore=.venv

## Every benchmark, then one table of their figures, also written to bench/figures.md (BENCH_QUICK=1: smaller sizes).
bench: install
	$(PY) bench/run_all.py

## 1M customers, 1M orders, 10M touchpoints, 10,000 promotions on PostgreSQL: built once (minutes), then measured.
bench-scale: install
	$(PY) bench/run_all.py scale --output bench/figures-scale.md

## Security gate: bandit on the apps (a medium or high finding fails; false positives carry
## `# nosec BXXX # reason`), then pip-audit on every package of the virtualenv against PyPI's
## vulnerability data (scripts/audit_dependencies.py: --strict where that data can be read;
## where it cannot, a loud "NOT PERFORMED", and a failure with OMNI_AUDIT_REQUIRED=1).
audit: install
	$(VENV)/bin/bandit -c pyproject.toml -q -r omni customers inventory promotions orders journeys --severity-level medium
	$(PY) scripts/audit_dependencies.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* .test-db.sqlite3* staticfiles
