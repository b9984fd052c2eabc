# wenshu: `make run` starts the service, `make test` runs the suite; both set up what is missing.
SHELL := /bin/bash
# LibreOffice's Python bridge (uno) imports only in Debian's python3, so the venv is built on it.
SYSTEM_PYTHON := /usr/bin/python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The versions the suite passed with, installed as constraints on pyproject.toml's ranges.
LOCK := requirements.lock
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup system lock run worker test check lint bench clean translations

setup: system $(STAMP)

system:
	@bash scripts/install-system.sh

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q -c $(LOCK) --upgrade pip
	$(PY) -m pip install -q -c $(LOCK) -e '.[dev,postgres]'
	@touch $@

# Writes the lock anew from the virtualenv, once the suite passes after a dependency was added to
# pyproject.toml (installed here at its newest release; the others stay as they are) or upgraded.
# --local leaves out the system's packages that the venv sees (python-apt, PyGObject, …),
# which pip cannot install; --all keeps pip and setuptools, which the lock holds too.
lock:
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q -e '.[dev,postgres]'
	{ echo "# Written by \`make lock\` from the virtualenv the suite passed in; \`make setup\` installs"; \
	  echo "# pyproject.toml's dependencies with these versions as constraints (pip install -c)."; \
	  $(PY) -m pip freeze --local --all --exclude-editable; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	@touch $(STAMP)

run: setup
	$(VENV)/bin/wenshu init-db
	$(VENV)/bin/wenshu users ensure-admin
	$(VENV)/bin/wenshu serve --host $(HOST) --port $(PORT)

# A batch worker for a scaled-out service: WENSHU_BROKER_URL, WENSHU_DATABASE_URL and the shared
# WENSHU_ARCHIVE / WENSHU_BATCHES folders set as on the web service's machine.
worker: setup
	$(VENV)/bin/wenshu init-db
	$(VENV)/bin/wenshu worker

test: setup
	@bash scripts/ofd-reader.sh
	$(VENV)/bin/pytest

# The fast tier, under a minute: every test but those needing LibreOffice, PostgreSQL, Redis,
# a served wenshu or a browser (marked slow by tests/conftest.py). make test runs them all.
check: setup
	$(VENV)/bin/pytest -m "not slow" -n 2

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy service forms tests/fakes.py \
		&& $(VENV)/bin/lint-imports

bench: setup
	$(PY) bench/office.py
	$(PY) bench/single.py
	$(PY) bench/batch.py
	$(PY) bench/scaleout.py

# The interface's catalogs: extracts the strings marked in service/web (babel.cfg), merges them
# into each language's messages.po, and compiles the .mo files, which are committed so that a
# fresh checkout and the wheel have them. Translate the new English entries, then run it again;
# tests/web/test_translations.py fails while an entry lacks English or a .mo is older than its .po.
translations: setup
	@mkdir -p build
	$(VENV)/bin/pybabel -q extract -F babel.cfg --no-location --sort-output --project wenshu \
		--no-wrap -o build/messages.pot service/web
	$(VENV)/bin/pybabel -q update -i build/messages.pot -d service/web/translations \
		--no-wrap --no-fuzzy-matching --ignore-obsolete \
		--ignore-pot-creation-date
	$(VENV)/bin/pybabel compile -d service/web/translations --statistics

clean:
	rm -rf $(VENV) build *.egg-info
