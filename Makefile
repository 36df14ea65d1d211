# Rehabit: `make run` starts the whole app, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails point at the server `make run` starts, on whatever port it serves; a
# SITE_URL already in the environment (production's public address) wins.
export SITE_URL ?= http://$(HOST):$(PORT)

# Development and tests run with DEBUG on; production leaves it off (see README).
export DEBUG ?= 1

.PHONY: run test lint format install chromium migrate demo worker beat clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Rehabit needs Python >= 3.12; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium from Debian's packages"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_library
	$(BIN)/python manage.py demo

run: demo
	@echo "Rehabit: http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, worker and beat)"
	@trap 'kill $$worker $$beat 2>/dev/null; wait $$worker $$beat 2>/dev/null' EXIT INT TERM; \
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=2 --hostname=worker@%h & worker=$$!; \
	$(BIN)/celery -A config beat --loglevel=INFO & beat=$$!; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install chromium
	$(BIN)/ruff check .
	REHABIT_VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache

# Performance benchmark (README, "Performance"): a clinic network's worth of data, the hot
# paths through gunicorn, the trend evaluation and the reminder dispatch; SCALE multiplies
# the data set (`make bench SCALE=0.25` for a quick look). Writes bench/results.json.
SCALE ?= 1
.PHONY: bench
bench: install
	$(BIN)/python -m bench.run --scale $(SCALE)
