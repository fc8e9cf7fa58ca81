# lcdt: the two commands a fresh machine needs are `make demo` and `make test`.
# Each creates .venv and installs what it needs (torch first, CPU build unless TORCH says otherwise).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.lcdt-installed
PRESET ?= tiny
# tests run notebooks two at a time; one torch thread each avoids oversubscribing 2 cores
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
NB_WORKERS ?= 2

.PHONY: install demo test test-slow test-browser test-gpu check-sync lint readme docs bench lab clean
install: $(STAMP)
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip install -q "$(TORCH)" 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip install -q -e ".[dev]" 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -c "import torch, lcdt, nbdev" && touch $(STAMP)

## the main job: the navigation pipeline on the tiny preset, ending in a report
demo: install
	$(BIN)/lcdt-pipeline --preset $(PRESET) --out runs/$(PRESET)

## the tests: export/clean leave no diff, README agrees with index.ipynb, lint and layering, then every notebook
test: install check-sync lint
	$(TEST_ENV) $(BIN)/nbdev-test --n-workers $(NB_WORKERS) --timing
	$(TEST_ENV) $(BIN)/python bench/gpu.py --check

check-sync: install
	PATH="$(abspath $(BIN)):$$PATH" bash tools/check_sync.sh
	$(BIN)/python tools/check_standalone.py

## ruff (120 columns; notebooks are the source), import layering (.importlinter), stored outputs that went stale
lint: install
	$(BIN)/ruff check nbs lcdt tools bench
	$(BIN)/ruff format --check nbs tools bench
	$(BIN)/lint-imports
	$(BIN)/python tools/check_outputs.py --n-workers $(NB_WORKERS)

test-slow: install
	$(TEST_ENV) $(BIN)/nbdev-test --n-workers 1 --timing --flags slow

test-gpu: install
	$(BIN)/nbdev-test --n-workers 1 --timing --flags gpu

## only the notebooks that hold browser cells, with those cells switched on
test-browser: install
	bash tools/install_browser.sh
	for nb in $$(grep -l '#| browser' nbs/*/*.ipynb); do $(TEST_ENV) $(BIN)/nbdev-test $$nb --flags browser --timing || exit 1; done

readme: install
	$(BIN)/python tools/generate.py

## the docs site, offline: nbdev-proc-nbs, then smalldocs; output in _docs/
docs: install
	$(BIN)/python tools/docs.py

bench: install
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## JupyterLab on nbs/; options pass through: make lab ARGS="--ip 0.0.0.0 --port 8888"
lab: install
	$(BIN)/jupyter-lab nbs $(ARGS)

clean:
	rm -rf _proc _docs runs .cache
