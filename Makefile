# The two commands the README opens with; each works on a fresh clone where only Python exists.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck contracts docs pytest bench fuzz mutate clean

# editable_mode=compat puts the project folder on sys.path through a .pth file: mypy and pyright
# run from .venv then find typed_config from any folder, which setuptools' default editable
# install (an import hook that only Python runs) hides from them (tests/test_install.py).
$(STAMP): pyproject.toml Makefile
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

demo: $(STAMP)
	cd examples && ../$(BIN)/python 01_quickstart.py --optimizer.lr=0.01 --epochs 4

test: lint typecheck contracts docs pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/pyright

contracts: $(STAMP)
	$(BIN)/lint-imports

docs: $(STAMP)
	@# Not --quiet: with it, mkdocs 1.6 exits 0 despite warnings in strict mode.
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir .site

pytest: $(STAMP)
	$(BIN)/pytest -q -n auto --cov --cov-report=term

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py

# The fuzz properties of tests/test_fuzz.py (and the other hypothesis tests) with many more examples.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -p no:cacheprovider -n auto tests/test_fuzz.py tests/test_yaml_io.py tests/test_keys.py tests/test_widening.py

# Mutation testing of the value paths (not part of `make test`): mutmut changes one operator,
# constant or call at a time in the command-line source, the run state and its locks, and the
# layer merge ([tool.mutmut] in pyproject.toml), and runs the tests that reach that function.
# A mutant that no test kills is a change in behaviour the tests do not see: the list is printed
# at the end (`$(BIN)/mutmut show NAME` gives its diff). Its work folder mutants/ is kept between
# runs, which only test again what changed.
mutate: $(STAMP)
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .site site mutants
