# taskstats — the front door. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
# The optional extras installed: dev (tests, lint) and ocr (scanned tables; CI tests it too).
EXTRAS ?= dev,ocr
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help all setup data demo reports lab test test-fast fuzz bench lint format clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (taskstats)" >/dev/null
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install taskstats with its dependencies and extras (EXTRAS=dev,ocr)

all: setup reports ## Set everything up and run the main job: bundled data to all reports

data: $(STAMP) ## Rebuild data/processed from data/raw and print the summary
	$(BIN)/taskstats ingest

demo: $(STAMP) ## Write the simulated progress ledger (used while no real one exists)
	$(BIN)/taskstats demo-progress

reports: data demo ## Render every district report and the comparison to reports/
	$(BIN)/taskstats report --all

lab: $(STAMP) ## Open JupyterLab on the notebooks with the project's kernel (as root too)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP) ## Run the whole test suite (what CI runs)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Run the tests not marked slow (no notebooks, browser, LibreOffice, fuzz)
	$(BIN)/python -m pytest -m "not slow"

fuzz: $(STAMP) ## Fuzz every reader longer than the test suite does (20,000 cases per target)
	TASKSTATS_FUZZ_EXAMPLES=20000 $(BIN)/python -m pytest tests/test_hardening.py -k fuzz -q

bench: $(STAMP) ## Run the benchmarks (about 15 minutes) and write benchmarks/results.md
	$(BIN)/python benchmarks/run.py

lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check taskstats tests benchmarks
	$(BIN)/ruff format --check taskstats tests benchmarks

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix taskstats tests benchmarks
	$(BIN)/ruff format taskstats tests benchmarks

clean: ## Remove generated tables, reports and caches (keeps .venv, data/raw, progress ledgers)
	find data/processed -maxdepth 1 -type f ! -name .gitkeep -delete
	rm -rf reports/* .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
