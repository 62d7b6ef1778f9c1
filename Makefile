# Set-up is idempotent: .venv/ is created and the pinned dependencies installed when missing
# or when pyproject.toml changed; every target below starts from it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup ensure-browser ensure-services run test lint bench-smoke

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/scenario-engine serve --engine local

# Debian chromium (and a Korean font) for the browser test; never a browser download.
ensure-browser:
	sh scripts/ensure-browser.sh

# Debian redis-server and nginx for the session-store and proxy tests (run on free ports).
ensure-services:
	sh scripts/ensure-services.sh

test: setup ensure-browser ensure-services
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
