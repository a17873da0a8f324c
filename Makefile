# evaltools — the front door. `make help` lists every target.
SHELL := /bin/bash
LAB_ARGS ?=
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
YEAR ?= 2022
JOBS ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup report lab demo test lint format check template run-all bench clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing evaltools and its dependencies into $(VENV) (log: $(VENV)/pip.log)"
	@$(PY) -m pip install --disable-pip-version-check -e '.[test]' > $(VENV)/pip.log 2>&1 || (tail -n 30 $(VENV)/pip.log; exit 1)
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv (python3 -m venv) and install evaltools with its dependencies

report: setup ## Write the YEAR report (default 2022) to outputs/YEAR/: HTML, PDF, 核查清单, 自评表.xlsx, summary.json (params/YEAR.yaml when there is one)
	$(VENV)/bin/evaltools run $(YEAR)$(if $(wildcard params/$(YEAR).yaml), --params params/$(YEAR).yaml)

lab: setup ## Start JupyterLab in the project (notebooks/); LAB_ARGS=--no-browser on a server, --allow-root as root
	$(VENV)/bin/jupyter-lab --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS)

demo: setup ## Synthetic data for 3 units × 4 years in data-demo/, every report, outputs/index.html
	$(VENV)/bin/evaltools synthetic data-demo --units 3 --years 4
	$(VENV)/bin/evaltools run --all --data-dir data-demo --jobs $(JOBS)

test: setup ## Run the test suite
	$(PY) -m pytest -q

lint: setup ## Check style (ruff) and the layer contract (import-linter)
	$(VENV)/bin/ruff check evaltools tests bench
	$(VENV)/bin/ruff format --check evaltools tests bench
	$(VENV)/bin/lint-imports

format: setup ## Format and sort imports in place (ruff)
	$(VENV)/bin/ruff check --fix --select I evaltools tests bench
	$(VENV)/bin/ruff format evaltools tests bench

check: setup ## Validate the YEAR data (default 2022) and list every problem (exit 2 on errors)
	$(VENV)/bin/evaltools check $(YEAR)

template: setup ## Write a blank input workbook for YEAR to outputs/template-YEAR.xlsx
	$(VENV)/bin/evaltools template $(YEAR) --output outputs/template-$(YEAR).xlsx

run-all: setup ## Every year and unit under data/, JOBS (default 2) at a time, with outputs/index.html
	$(VENV)/bin/evaltools run --all --jobs $(JOBS)

bench: setup ## Benchmark against the papermill + nbconvert floor (prints a table)
	$(PY) bench/run.py

clean: ## Remove generated outputs (keeps .venv)
	rm -rf outputs/* .pytest_cache
	touch outputs/.gitkeep
