# Two entry points on a fresh machine: `make demo` and `make test`. Both create the venv first.
PYTHON ?= python3
VENV := venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TYPED := __main__.py components handlers asl emulator devstack sagactl bench policy/rules

# Lambda runs python3.13; these machines default to 3.11. The handler tests run on both.
LAMBDA_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13))
LAMBDA_VENV := venv-lambda

.PHONY: demo serve test lint typecheck unit handlers-on-lambda-python graphviz bench cost clean

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

demo: $(INSTALLED)
	$(BIN)/python -m sagactl demo

serve: $(INSTALLED)
	$(BIN)/python -m sagactl serve

# On demand, never in `make test`: figures go to docs/performance.md.
bench: $(INSTALLED)
	$(BIN)/python -m bench --json out/bench/latest.json --markdown out/bench/latest.md

cost: $(INSTALLED)
	$(BIN)/python -m sagactl cost

lint: $(INSTALLED)
	$(BIN)/ruff check .

# pulumi-aws's type hints catch wrong resource arguments that mocks cannot.
typecheck: $(INSTALLED)
	$(BIN)/mypy $(TYPED)

# `sagactl trace` draws its SVG/PNG with Graphviz's `dot`: a Debian package, not a pip one.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
graphviz:
	@command -v dot >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq graphviz; }

# A module's tests stay on one worker (--dist loadfile): an end-to-end module's stack carries state from one test
# to the next. More workers than cores: the end-to-end tests spend much of their time waiting (real-time retries).
PYTEST_WORKERS ?= 4
unit: $(INSTALLED) graphviz
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

$(LAMBDA_VENV)/.installed: handlers/requirements.txt tests/handlers/requirements.txt
	$(LAMBDA_PYTHON) -m venv $(LAMBDA_VENV)
	$(LAMBDA_VENV)/bin/pip install --quiet --upgrade pip
	$(LAMBDA_VENV)/bin/pip install --quiet -r tests/handlers/requirements.txt
	touch $@

handlers-on-lambda-python: $(if $(LAMBDA_PYTHON),$(LAMBDA_VENV)/.installed)
ifeq ($(LAMBDA_PYTHON),)
	@echo "python3.13 not found: handler tests ran on $$($(BIN)/python --version) only (set LAMBDA_PYTHON=...)"
else
	$(LAMBDA_VENV)/bin/python -m pytest -q -p no:cacheprovider -W error::pytest.PytestUnraisableExceptionWarning tests/handlers
endif

# The four checks run side by side (both venvs are built side by side first); each one's output stays together.
test:
	$(MAKE) --no-print-directory -j4 -O lint typecheck unit handlers-on-lambda-python

clean:
	rm -rf $(VENV) $(LAMBDA_VENV) .pytest_cache .mypy_cache .ruff_cache
