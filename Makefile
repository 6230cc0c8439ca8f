# The door to the project. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export KONVENSI_DATABASE_URL ?= sqlite:///./konvensi.db

.PHONY: run test test-slow test-all lint format migrate revision bench vendor clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, migrate and serve the Solok demo on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/konvensi migrate
	$(BIN)/konvensi serve --demo

## test: install, lint, and run the whole suite (PostgreSQL too when KONVENSI_TEST_POSTGRES_URL is set)
test: $(STAMP) lint
	$(BIN)/python -m pytest

## test-slow: the crash, load and fuzz tests
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow || test $$? -eq 5

test-all: test test-slow

lint: $(STAMP)
	$(BIN)/ruff format --check app scoring migrations tests bench scripts
	$(BIN)/ruff check app scoring migrations tests bench scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format app scoring migrations tests bench scripts
	$(BIN)/ruff check --fix app scoring migrations tests bench scripts

migrate: $(STAMP)
	$(BIN)/konvensi migrate

## revision: a new migration from the models, e.g. make revision m="add deadline"
revision: $(STAMP)
	$(BIN)/alembic revision --autogenerate -m "$(m)"

## bench: the benchmarks of bench/ (ratios against a floor measured in the same run)
bench: $(STAMP)
	$(BIN)/python -m bench

## vendor: fetch the pinned npm packages of vendor.lock.json, check their hashes, extract them
vendor:
	$(PYTHON) scripts/vendor.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
