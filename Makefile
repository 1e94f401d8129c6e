# taskstats — the front door. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help all setup data test lint format clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install taskstats with its dependencies (pip only)

all: setup data ## Set everything up and run the main job on the bundled data

data: $(STAMP) ## Rebuild data/processed from data/raw and print the summary
	$(BIN)/taskstats ingest

test: $(STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check taskstats tests benchmarks
	$(BIN)/ruff format --check taskstats tests benchmarks

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix taskstats tests benchmarks
	$(BIN)/ruff format taskstats tests benchmarks

clean: ## Remove generated data, reports and caches (keeps .venv and data/raw)
	rm -rf data/processed/* reports/* .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
