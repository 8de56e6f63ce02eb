# ITA briefings: `make` lists the targets. The first run creates .venv and installs the package.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PARAMS ?= params/bueng-krachap-2565.yaml
LAB_IP ?= 127.0.0.1
LAB_PORT ?= 8888
THAI_FONT_DIR ?= $(HOME)/.local/share/fonts/ita-sarabun

.DEFAULT_GOAL := help
.PHONY: help setup briefing explore portfolio lab benchmark test test-fast lint format clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv (if missing) and install the package with its dev tools

briefing: $(STAMP) ## Produce the briefing of PARAMS (default: the bundled sample) and print its path
	@$(BIN)/ita brief $(PARAMS)

explore: $(STAMP) ## Run notebooks/explore.ipynb on its defaults (synthetic data) and print the HTML path
	@$(BIN)/ita notebook explore

portfolio: $(STAMP) ## Run notebooks/portfolio.ipynb on its defaults (synthetic data) and print the HTML path
	@$(BIN)/ita notebook portfolio

lab: $(STAMP) ## Start JupyterLab on .venv in notebooks/ (root too); installs Sarabun for the browser if no Thai font
	@if command -v fc-list >/dev/null 2>&1 && [ -z "$$(fc-list :lang=th family)" ]; then \
	  mkdir -p "$(THAI_FONT_DIR)" && cp ita_lib/fonts/Sarabun-*.ttf ita_lib/fonts/OFL.txt "$(THAI_FONT_DIR)/" && \
	  fc-cache -f "$(THAI_FONT_DIR)" >/dev/null && echo "installed the Sarabun font for the browser in $(THAI_FONT_DIR)"; fi
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=$(LAB_IP) --ServerApp.port=$(LAB_PORT) \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) $(LAB_ARGS)

benchmark: $(STAMP) ## Time a naive papermill loop, ita batch (50 and 500 agencies) and the in-process floor
	$(BIN)/python benchmarks/batch_benchmark.py

test: $(STAMP) ## Lint (code and notebooks) and run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Run the tests that do not start a kernel
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP) ## Check code and notebooks with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Format code and notebooks with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove generated outputs and caches (keeps .venv)
	rm -rf outputs .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
