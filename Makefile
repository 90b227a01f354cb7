.DEFAULT_GOAL := help

# A virtual environment in .venv, created and installed on first use (Python 3.11 and pip only).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
POSTINGS := $(BIN)/postings

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

.PHONY: install
install: $(STAMP)  ## Create .venv and install the project with its dev tools

.PHONY: demo
demo: $(STAMP)  ## Run the whole main job on the bundled recording into data/warehouse.duckdb
	$(POSTINGS) demo

.PHONY: eval
eval: $(STAMP)  ## Score the marts against the hand labels of eval/labels.jsonl (builds a scratch warehouse)
	$(POSTINGS) eval

# Debian's chromium, for the browser test of the HTML report (Playwright drives it; it downloads
# no browser). Installed once with apt-get (as root, or through sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
.PHONY: browser
browser:  ## Install Debian's chromium for the report's browser test (once)
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium)

# Debian's services for the tests and bench that run them (each starts its own on 127.0.0.1
# and stops it at the end): redis-server for the distributed crawl, PostgreSQL for the DuckLake
# warehouse (bench/postgres.py). Installed once with apt-get (as root, or through sudo).
.PHONY: services
services:  ## Install Debian's redis-server and postgresql for the distributed tests (once)
	@command -v redis-server >/dev/null || ($(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q redis-server)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ($(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q postgresql)

.PHONY: test
test: $(STAMP) browser services  ## Run every test (offline but for installing chromium, redis-server and postgresql once)
	$(BIN)/pytest

.PHONY: nightly
nightly: $(STAMP)  ## Crawl the real boards of sources.yml, load, and build the marts
	$(POSTINGS) nightly

.PHONY: docs
docs: $(STAMP)  ## Generate and serve the dbt docs on 127.0.0.1
	$(POSTINGS) docs

.PHONY: lint
lint: $(STAMP)  ## Check style and types without changing files (ruff, mypy --strict, sqlfluff)
	$(BIN)/ruff check scrapers warehouse tests bench
	$(BIN)/ruff format --check scrapers warehouse tests bench
	$(BIN)/mypy --strict scrapers warehouse
	cd dbt_project && ../$(BIN)/sqlfluff lint models --processes 2

.PHONY: format
format: $(STAMP)  ## Rewrite Python and SQL in the house style (ruff format, sqlfluff fix)
	$(BIN)/ruff format scrapers warehouse tests bench
	$(BIN)/ruff check --fix scrapers warehouse tests bench
	cd dbt_project && ../$(BIN)/sqlfluff fix models --processes 2

.PHONY: clean
clean:  ## Remove the warehouse, landing files and dbt artefacts (keeps .venv)
	rm -rf data dbt_project/target dbt_project/logs

.PHONY: help
help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

.PHONY: bench
bench: $(STAMP) services  ## Benchmark crawl, load, match and dbt on SYNTHETIC data, beside baselines
	$(BIN)/python -m bench --size small

.PHONY: bench-large
bench-large: $(STAMP) services  ## The same at a million postings (~30 min; ~36 GB scratch disk, ~19 GB RAM)
	$(BIN)/python -m bench --size large
