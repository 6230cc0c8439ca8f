# The door to the project. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
export KONVENSI_DATABASE_URL ?= sqlite:///./konvensi.db

.PHONY: lock run test test-slow test-all lint format migrate revision bench vendor clean

# Installs come from the lock files (exact versions, checked by hash), then the project itself
# without dependencies. `make lock` regenerates them after a change to pyproject.toml.
# -qq: errors only; this machine's pip configuration lists local mirrors that warn once per
# package. `make PIP_QUIET=` shows everything.
PIP_QUIET ?= -qq
PIP       := $(BIN)/python -m pip $(PIP_QUIET)
UV        := uv==0.13.9
# Universal (every platform, Python 3.11 and newer), with hashes; the dev lock pins the
# versions the tests ran, and the production lock follows it.
LOCK_ARGS  = --quiet --universal --python-version 3.11 --generate-hashes \
             --custom-compile-command "make lock" $(LOCK_FLAGS)

$(STAMP): requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r requirements-dev.lock
	$(PIP) install --no-deps -e .
	touch $(STAMP)

## lock: regenerate requirements*.lock from pyproject.toml (LOCK_FLAGS=--upgrade for newer releases)
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install '$(UV)'
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_ARGS) -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml -c requirements-dev.lock $(LOCK_ARGS) -o requirements.lock

## run: install, migrate and serve the Solok demo on http://127.0.0.1:$(PORT) (make run PORT=8080)
run: $(STAMP)
	$(BIN)/konvensi migrate
	$(BIN)/konvensi serve --demo --port $(PORT)

## test: install, lint, and run the whole suite (PostgreSQL too when KONVENSI_TEST_POSTGRES_URL is set)
## with branch coverage of app and scoring, failing under the floor of pyproject.toml
test: $(STAMP) lint
	$(BIN)/python -m pytest --cov --cov-report=term

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
