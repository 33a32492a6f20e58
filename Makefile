# The two commands a new user needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit test-pg test-browser lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench,scale]'
	touch $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/hearth serve

test: $(STAMP) lint
	./scripts/ensure-browser.sh
	$(BIN)/pytest -q
	$(BIN)/pytest -q -p no:cacheprovider tests/browser

test-unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

# The end-to-end suite again, each test on a PostgreSQL database of its own.
test-pg: $(STAMP)
	HEARTH_TEST_STORE=postgresql $(BIN)/pytest -q tests/e2e --deselect tests/e2e/test_scale.py

lint: $(STAMP)
	$(BIN)/ruff check server moderation tests bench tools
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.chat

clean:
	rm -rf $(VENV) var .pytest_cache
