# Two commands matter: `make html` (the book) and `make test` (everything CI runs).
# Both create .venv on first use, so a fresh machine needs nothing but Python >= 3.11 and make.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Re-install when the package metadata changes; the stamp records the last install.
STAMP  := $(VENV)/.installed
BUILD  := _build
# Strict: a warning, a broken reference or a failing cell fails the build, after all pages
# have been tried. -j auto reads (and so executes) chapters in one process per core: a clean
# build takes about half the time on two cores (conf.py creates the execution cache's database
# before the processes start, so they do not race to create it).
STRICT     ?= -nW --keep-going
SPHINXOPTS ?= -j auto
SPHINXBUILD = $(VENV)/bin/sphinx-build $(STRICT) -c conf -d $(BUILD)/doctrees $(SPHINXOPTS)

.PHONY: help venv test lint format doctest html serve pytest bench pytorch-record library-records clean \
	wasm wasm-smoke

help:
	@echo "make html     build the book into $(BUILD)/html (strict: any warning fails)"
	@echo "make test     ruff, the strict book build, pytest (tests, doctests, equation labels), coverage"
	@echo "make doctest  the package's and the book's doctests alone, fast"
	@echo "make serve    rebuild the book on every change to docs/, conf/ or src/ and serve it"
	@echo "make bench    step time vs PyTorch, matmul roofline, memory (never part of make test)"
	@echo "make pytorch-record  rewrite docs/practice/pytorch-record.json (needs torch==2.13.0)"
	@echo "make library-records rewrite docs/practice/libraries-record.json (Keras, TensorFlow,"
	@echo "              JAX/optax, Opacus at the versions .ci/run installs)"
	@echo "make format   rewrite the code with ruff format and fix imports"
	@echo "make wasm     build the offline in-browser runtime (Pyodide, NumPy for wasm, the wheels)"
	@echo "              into .wasm/runtime (root: a Debian sid chroot; ~15 min once, then seconds)"
	@echo "make wasm-smoke  load that runtime in Node from the local files and run a diagnose check"
	@echo "make clean    remove the venv and every generated file"

venv: $(STAMP)

$(STAMP): pyproject.toml conf/ipython_kernel_config.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,docs]'
	@# The kernels that execute the book read this (IPython looks in sys.prefix/etc/ipython):
	@# it silences ipykernel 7's "running over TCP" warning, one per notebook, in the build log.
	@mkdir -p $(VENV)/etc/ipython
	@cp conf/ipython_kernel_config.json $(VENV)/etc/ipython/ipython_kernel_config.json
	@touch $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench

format: $(STAMP)
	$(PY) -m ruff check --fix src tests bench
	$(PY) -m ruff format src tests bench

# What the book is built from. Sphinx's own pass over an unchanged book still takes ~3 s
# (imports, the index pages), so make skips it when no input is newer than the last
# successful build (the stamp is written only when sphinx-build succeeds).
BOOK_INPUTS := $(shell find docs conf src tests bench -type f -not -path '*/__pycache__/*') \
	README.md CONTRIBUTING.md
BOOK_STAMP  := $(BUILD)/.html-built

html: $(BOOK_STAMP)
	@echo
	@echo "The book is in $(BUILD)/html. Open file://$(CURDIR)/$(BUILD)/html/index.html"

$(BOOK_STAMP): $(STAMP) $(BOOK_INPUTS)
	$(SPHINXBUILD) docs $(BUILD)/html
	@touch $@

test: lint html pytest

pytest: $(STAMP)
	$(PY) -m pytest --cov --cov-report=term

doctest: $(STAMP)
	$(PY) -m pytest -q --no-cov src README.md docs

serve: $(STAMP)
	$(VENV)/bin/sphinx-autobuild -nW --keep-going -c conf -d $(BUILD)/doctrees \
		--watch src --watch conf docs $(BUILD)/html

# Benchmarks: results go to bench-results/ (not committed; docs/appendix/ holds the dated
# record the book shows). BENCHOPTS=--quick for a short run; see bench/run.py --help.
bench: $(STAMP)
	$(PY) bench/run.py $(BENCHOPTS)

# PyTorch's outputs that the book shows (its build does not import torch); CI compares them with
# a live run on every `make test` (tests/test_pytorch_record.py).
pytorch-record: $(STAMP)
	$(PY) tests/pytorch_record.py

# The same for the libraries of the chapter "After PyTorch" (tests/test_libraries_record.py).
library-records: $(STAMP)
	$(PY) tests/libraries_record.py

# The in-browser runtime (issue 26): everything under .wasm/ (ignored), the runtime in
# .wasm/runtime. Not part of make test; make clean leaves it (the chroot takes minutes to make),
# remove it with: rm -rf --one-file-system .wasm
wasm:
	tools/wasm/build.sh

wasm-smoke:
	node tools/wasm/smoke.mjs .wasm/runtime

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .coverage htmlcov _build
	find . -name __pycache__ -prune -exec rm -rf {} +
