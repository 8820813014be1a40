# Two entry points on a fresh machine: `make demo` and `make test`. Both create the venv first.
PYTHON ?= python3
VENV := venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TYPED := __main__.py components handlers asl emulator sagactl

.PHONY: demo serve test lint typecheck unit clean

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

demo: $(INSTALLED)
	$(BIN)/python -m sagactl demo

serve: $(INSTALLED)
	$(BIN)/python -m sagactl serve

lint: $(INSTALLED)
	$(BIN)/ruff check .

# pulumi-aws's type hints catch wrong resource arguments that mocks cannot.
typecheck: $(INSTALLED)
	$(BIN)/mypy $(TYPED)

unit: $(INSTALLED)
	$(BIN)/python -m pytest

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
