# takeoff: two commands from a fresh machine with only Python and pip.
#   make run    creates .venv, installs takeoff, runs the baseline scenario
#   make test   creates .venv if needed, installs the test extras, runs the whole suite
# Mesa 3.5 needs Python 3.12+: the first of python3.13, python3.12 or a pyenv 3.12+ that works
# is used (override with `make PYTHON=/path/to/python3.12 ...`).

PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint clean python figures app bench validation screenshot docs forecast-figures fuzz

run: $(VENV)/.installed
	$(BIN)/takeoff run baseline --out runs/baseline

# Two workers (pytest-xdist), one file per worker at a time: a file's tests share its fixtures
# (the fast validation report, the app's server), and the machines here have two cores.
test: $(VENV)/.test-installed
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# Issue 16's large fuzz: 2,000 malformed calls and 500 valid 104-week scenarios, each run in a
# fork with the limits of model/limits.py enforced (README "Reliability" quotes its counts).
fuzz: $(VENV)/.test-installed
	$(BIN)/python tests/fuzz.py --malformed 2000 --valid 500 --weeks 104

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: no Python 3.12 or newer found (tried python3.13, python3.12, ~/.pyenv/versions/3.1x); install one or run make PYTHON=/path/to/python3.12" >&2; \
		exit 1; fi

$(VENV)/.installed: pyproject.toml constraints.txt | python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	$(BIN)/python -m visualization.assets
	$(BIN)/python -m model.kernels
	$(BIN)/python -m model.aggregate
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

clean:
	rm -rf $(VENV) runs .pytest_cache

app: $(VENV)/.installed
	$(BIN)/takeoff app

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks

# The tables of figures in README.md and docs/ (tests/test_docs.py checks they are current).
docs: $(VENV)/.installed
	$(BIN)/python -m takeoff.docs

validation: $(VENV)/.installed
	$(BIN)/takeoff validate --out docs/validation

# The app screenshot the README shows, taken by the real-browser test.
screenshot: $(VENV)/.test-installed
	TAKEOFF_SCREENSHOT=docs/img/app.png $(BIN)/python -m pytest -q tests/test_app_browser.py -k screenshot

# Figures the README shows: regenerated from the shipped baseline by one command.
figures: $(VENV)/.installed
	$(BIN)/takeoff run baseline --out runs/baseline
	cp runs/baseline/speedup.png docs/img/baseline-speedup.png
	cp runs/baseline/efficiency.png docs/img/baseline-efficiency.png

# The forecast the README shows: the default beliefs, 256 samples (about 6 minutes on 2 quiet
# cores; rerunning resumes), its figures and numbers; Forethought's beliefs beside it, and the two
# ends of Whitfill and Wu at 64 samples each (docs/calibration.md).
forecast-figures: $(VENV)/.installed
	$(BIN)/takeoff forecast default --out runs/forecast-default
	cp runs/forecast-default/plots/fan.png docs/img/forecast-default-fan.png
	cp runs/forecast-default/plots/explosion_cdf.png docs/img/forecast-default-cdf.png
	cp runs/forecast-default/plots/tornado.png docs/img/forecast-default-tornado.png
	cp runs/forecast-default/forecast.json docs/forecast/default.json
	$(BIN)/takeoff forecast forethought_2025 --out runs/forecast-forethought_2025
	cp runs/forecast-forethought_2025/forecast.json docs/forecast/forethought_2025.json
	$(BIN)/takeoff forecast compute_complements --samples 64 --out runs/forecast-compute_complements --no-plots
	cp runs/forecast-compute_complements/forecast.json docs/forecast/compute_complements.json
	$(BIN)/takeoff forecast compute_substitutes --samples 64 --out runs/forecast-compute_substitutes --no-plots
	cp runs/forecast-compute_substitutes/forecast.json docs/forecast/compute_substitutes.json
