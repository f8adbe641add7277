# Set-up and everyday tasks. `make run` and `make test` work on a fresh machine with only python3.11 + make.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: install run test test-all lint format clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'
	touch $(STAMP)

## run: install, then show the bundled example (and the PTC corpus when ../shared is beside the repo)
run: install
	$(BIN)/proplens corpus stats examples
	$(BIN)/proplens evaluate --task si --gold examples/demo-task-si.labels --pred examples/demo-pred-si.labels
	@if [ -d $(SHARED)/data/ptc ]; then $(BIN)/proplens corpus stats $(SHARED)/data/ptc; \
	else echo "($(SHARED)/data/ptc not found: skipping the corpus statistics)"; fi

## test: install, then run the whole (fast) test suite
test: install
	$(BIN)/pytest

## test-all: also the slow tests
test-all: install
	$(BIN)/pytest -m ''

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
