# Two commands matter: `make html` (the book; arrives with the book-build issue) and
# `make test` (everything CI runs). Both create .venv on first use, so a fresh
# machine needs nothing but Python >= 3.11 and make.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Re-install when the package metadata changes; the stamp records the last install.
STAMP  := $(VENV)/.installed

.PHONY: help venv test lint format doctest html clean

help:
	@echo "make test     ruff, pytest (unit, reference, property and doctests), coverage >= 95%"
	@echo "make doctest  the package's doctests alone"
	@echo "make format   rewrite the code with ruff format and fix imports"
	@echo "make html     the book (arrives with the book-build issue)"
	@echo "make clean    remove the venv and every generated file"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check src tests
	$(PY) -m ruff format --check src tests

format: $(STAMP)
	$(PY) -m ruff check --fix src tests
	$(PY) -m ruff format src tests

test: lint
	$(PY) -m pytest --cov --cov-report=term

doctest: $(STAMP)
	$(PY) -m pytest --doctest-modules src README.md -q

html:
	@echo "The book build arrives with the book-build issue (issue 3); nothing to build yet." >&2
	@exit 2

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .coverage htmlcov _build
	find . -name __pycache__ -prune -exec rm -rf {} +
