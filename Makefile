# wenshu: `make run` starts the service, `make test` runs the suite; both set up what is missing.
SHELL := /bin/bash
# LibreOffice's Python bridge (uno) imports only in Debian's python3, so the venv is built on it.
SYSTEM_PYTHON := /usr/bin/python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup system run worker test lint bench clean

setup: system $(STAMP)

system:
	@bash scripts/install-system.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,postgres]'
	@touch $@

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
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy service forms \
		&& $(VENV)/bin/lint-imports

bench: setup
	$(PY) bench/single.py
	$(PY) bench/batch.py
	$(PY) bench/scaleout.py

clean:
	rm -rf $(VENV) build *.egg-info
