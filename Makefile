# Everything runs in a local virtual environment, created on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: study test test-oldest lint format docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.cli: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[cli]"
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,cli,dask]"
	touch $@

$(VENV)/.docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[docs,cli]"
	touch $@

## study: the weight-decay study on natural image patches (see README)
study: $(VENV)/.cli
	$(BIN)/python -m skrbm study $(ARGS)

## test: lint, then the test suite (doctests included)
test: $(VENV)/.test lint
	$(BIN)/python -m pytest

## test-oldest: against the oldest supported scikit-learn, the tests of
## what depends on its version: the estimator checks and parameter
## validation (skrbm/_compat.py), pipelines, scorers and the Jacobians of
## its transformers, persistence, and the refiner's and ZCA's use of it
OLDEST := .venv-oldest
OLDEST_TESTS := tests/test_common.py tests/test_bad_input.py \
	tests/test_set_params.py tests/test_stacks.py tests/test_likelihood_jacobian.py \
	tests/test_persistence.py tests/test_refiner.py tests/test_zca.py \
	tests/test_public_api.py
test-oldest:
	test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet -e ".[test,cli,dask]" "scikit-learn==1.6.1"
	$(OLDEST)/bin/python -m pytest -q $(OLDEST_TESTS)

lint: $(VENV)/.test
	$(BIN)/ruff check skrbm tests benchmarks experiments
	$(BIN)/ruff format --check skrbm tests benchmarks experiments

format: $(VENV)/.test
	$(BIN)/ruff format skrbm tests benchmarks experiments
	$(BIN)/ruff check --fix skrbm tests benchmarks experiments

## docs: the HTML documentation, gallery included, into docs/_build/html
docs: $(VENV)/.docs
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

bench: $(VENV)/.test
	$(BIN)/python benchmarks/bench_training.py

clean:
	rm -rf $(VENV) build dist *.egg-info docs/_build skrbm-study skrbm-study-quick
