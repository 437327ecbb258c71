# The project's vocabulary: run, test, lint, bench. Each target creates .venv when needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench pytest fmt clean golden fast

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/spasmnav run

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/spasmnav tests bench
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint pytest

# The quick suites: no browser, no PostgreSQL, nothing marked slow.
fast: $(STAMP)
	$(BIN)/pytest -q -m "not browser and not postgres and not slow"

bench: $(STAMP)
	$(BIN)/python -m bench

# Record today's behaviour as the golden files (after a deliberate change; review the diff).
golden: $(STAMP)
	$(BIN)/python -m tests.golden_update

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
