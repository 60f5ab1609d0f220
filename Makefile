# Emergence: two commands do everything on a fresh machine.
#   make book   create .venv, install, execute every chapter (default scale), build the website
#   make test   install if needed, lint, library tests, every chapter under nbval at ci scale,
#               and the book build with warnings as errors (without executing the chapters again)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHAPTERS := $(shell find chapters -name '*.py' | sort)
NOTEBOOKS := $(CHAPTERS:.py=.ipynb)
export XLA_PYTHON_CLIENT_PREALLOCATE := false

.PHONY: install book book-ci test lint test-lib test-notebooks notebooks bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (3.11): apt-get install python3 python3-venv"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

# the execution cache keys on the chapters only: drop it when the library changes
_build/.lib-stamp: $(shell find lib -name '*.py')
	rm -rf _build/.jupyter_cache
	mkdir -p _build && touch $@

book: install _build/.lib-stamp  ## execute every chapter at the default scale and build the HTML
	EMERGENCE_SCALE=$${EMERGENCE_SCALE:-default} $(BIN)/jupyter-book build . --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

# The test build: warnings are errors. It does not execute the chapters again: test-notebooks
# (nbval) has just executed every one, and executing them twice doubled `make test`'s time.
# Rendering of executed outputs is exercised by `make book` and the publishing workflow.
# (The config copy must sit at the root: local extensions resolve relative to it.)
book-ci: install
	sed 's/^  execute_notebooks: cache$$/  execute_notebooks: "off"/' _config.yml > .config-ci.yml
	grep -q 'execute_notebooks: "off"' .config-ci.yml
	EMERGENCE_SCALE=ci $(BIN)/jupyter-book build . --config .config-ci.yml -W -n --keep-going --path-output _build/ci

lint: install
	$(BIN)/ruff check lib tests benchmarks chapters _ext
	$(BIN)/ruff format --check lib tests benchmarks _ext

test-lib: install
	$(BIN)/python -m pytest tests -q

notebooks: install  ## paired .ipynb for local Jupyter use (git-ignored)
	$(BIN)/jupytext --to ipynb $(CHAPTERS)

test-notebooks: notebooks
	EMERGENCE_SCALE=ci $(BIN)/python -m pytest --nbval-lax -p no:cacheprovider --timeout=600 $(NOTEBOOKS)

test: lint test-lib test-notebooks book-ci
	@echo "make test: all checks passed"

bench: install  ## kernel benchmarks against NumPy and numba references
	$(BIN)/pip install -q -r requirements-bench.txt -c constraints.txt
	$(BIN)/python benchmarks/bench_sandpile.py
	$(BIN)/python benchmarks/bench_langevin.py
	$(BIN)/python benchmarks/bench_markov.py
	$(BIN)/python benchmarks/bench_hopfield.py

clean:
	rm -rf _build $(NOTEBOOKS) .pytest_cache .jupyter_cache .config-ci.yml
