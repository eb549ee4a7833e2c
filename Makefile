# qcode: every target sets itself up (virtual environment, install) on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run demo test check lint typecheck bench bench-smoke clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "qcode needs Python 3.11 or newer")'
	@echo "qcode: installing qcode and its dependencies into $(VENV) (once; a minute or two)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q qcode  # as pip does for a regular install: the first start is not slower
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

#: The benches (bench/harness.py, tui_data.py and tui_launch.py are their shared modules).
BENCHES = cli_startup export import agreement segment duplicates tui suggest merge

## bench: every bench at full size, qcode beside its baseline, interleaved (long: see each one's --help)
bench: $(STAMP)
	for b in $(BENCHES); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

## bench-smoke: every bench at a tiny size, one round: checks they all still run (CI)
bench-smoke: $(STAMP)
	for b in $(BENCHES); do echo "== bench/$$b.py --smoke"; $(BIN)/python bench/$$b.py --smoke || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
