# newsdeck: every target sets up what it needs, so a fresh clone only needs Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: bench-tools test-tools venv run test lint bench clean fuzz

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

test: venv test-tools
	$(BIN)/python -m pytest -q

# What the end-to-end tests drive from outside Python: OpenSSH's client (serve ssh), tmux
# (serve ssh and the hostile-app pty tests), Chromium (serve web in a real browser) and fzf
# (the list --filter comparison). Installed with apt-get when root (or passwordless sudo);
# once everything is there this is a few `command -v` checks. A failed install is tried
# again only after `rm $(TOOLS_TRIED)`; the tests that need a missing tool skip (and fail
# under CI=true for Chromium), so the message below says which.
TEST_TOOLS  := ssh:openssh-client ssh-keygen:openssh-client tmux:tmux fzf:fzf chromium:chromium
TOOLS_TRIED := $(VENV)/.test-tools-tried
test-tools:
	@missing=""; for pair in $(TEST_TOOLS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	[ -n "$$missing" ] || exit 0; \
	missing=" $$(printf '%s\n' $$missing | sort -u | tr '\n' ' ')"; \
	if [ -e $(TOOLS_TRIED) ]; then \
	  echo "test: still missing:$$missing(install failed before; rm $(TOOLS_TRIED) to retry)"; exit 0; fi; \
	sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
	if command -v apt-get >/dev/null 2>&1 && { [ -z "$$sudo" ] || sudo -n true 2>/dev/null; }; then \
	  echo "test: installing$$missing(apt-get, once)"; \
	  { $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	  } >$(VENV)/.test-tools.log 2>&1 || \
	    echo "test: apt-get could not install$$missing(log: $(VENV)/.test-tools.log); tests needing them skip"; \
	else echo "test: missing$$missing and no apt-get as root here; tests needing them skip"; fi; \
	touch $(TOOLS_TRIED)

# Every tool runs even when an earlier one fails; the target fails if any did.
LINT_STEPS := "ruff check tui tests bench fuzz" "ruff format --check tui tests bench fuzz" \
	"mypy --strict tui" "lint-imports"
lint: venv
	@failed=""; for step in $(LINT_STEPS); do \
	  echo "== $$step"; $(BIN)/$$step || failed="$$failed [$$step]"; done; \
	if [ -n "$$failed" ]; then echo "lint failed:$$failed"; exit 1; fi

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
	@if $(BIN)/python -c 'import atheris' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[fuzz]'; then \
		FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/fuzz_atheris.py convert && \
		FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/fuzz_atheris.py parser; \
	else echo "atheris does not install here: skipped (hypothesis targets ran)"; fi
	NEWSDECK_MANY_FILES=100000 $(BIN)/python -m pytest -q tests/e2e/test_hostile_app.py -k many_tiny_files

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
