# newsdeck: every target sets up what it needs, so a fresh clone only needs Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: bench-tools venv run test lint bench clean fuzz

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "newsdeck needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: venv
	$(BIN)/newsdeck sample_seeds

test: venv
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check tui tests bench
	$(BIN)/ruff format --check tui tests bench

bench: venv bench-tools
	$(BIN)/python -m bench

# fzf, for the `list --filter` comparison; the benchmark skips that comparison without it.
bench-tools:
	@command -v fzf >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  $$([ "$$(id -u)" = 0 ] || echo sudo -n) apt-get install -y -qq fzf >/dev/null 2>&1; } || \
	  echo "bench: fzf is missing and could not be installed; its comparison is skipped"

# Fuzz the parser and the HTML conversion (FUZZ_SECONDS each, default 180), atheris too when
# it installs, then the app on 100,000 tiny files.
FUZZ_SECONDS ?= 180
fuzz: venv
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/fuzz_parser.py
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/fuzz_convert.py
	@if $(BIN)/python -c 'import atheris' 2>/dev/null || $(BIN)/python -m pip install --quiet atheris; then \
		FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/fuzz_atheris.py convert && \
		FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/fuzz_atheris.py parser; \
	else echo "atheris does not install here: skipped (hypothesis targets ran)"; fi
	NEWSDECK_MANY_FILES=100000 $(BIN)/python -m pytest -q tests/test_hostile_app.py -k many_tiny_files

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
