# qcode: every target sets itself up (virtual environment, install) on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run demo test check lint typecheck bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "qcode needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: the main job: open qcode on the project here (a demo project from the bundled corpus if there is none)
run: $(STAMP)
	$(BIN)/qcode

## test: the whole test suite (PostgreSQL tests run where QCODE_TEST_PG_URL is set)
test: $(STAMP)
	$(BIN)/pytest -q -n 2

lint: $(STAMP)
	$(BIN)/ruff check qcode tests bench

typecheck: $(STAMP)
	$(BIN)/mypy qcode

## check: tests, ruff and mypy together
check: test lint typecheck

bench: $(STAMP)
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
