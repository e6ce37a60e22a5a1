# make serve — create the venv, install, validate, serve the graph at http://127.0.0.1:5000/ (HOST=, PORT= for another)
# make test  — create the venv, install, run the whole test suite
# make bench — the benchmarks (never part of make test)
# make screenshots — the README's screenshots (docs/screenshots/), taken by the browser tests

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
SIZES  ?= shipped,10000,100000,1000000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test validate bench clean install screenshots

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

validate: install
	$(BIN)/ilrs-graph validate

serve: validate
	$(BIN)/ilrs-graph serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

screenshots: install
	ILRS_README_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_browser.py

# make bench QUICK=1 — the shipped graph only, fewer samples (a few minutes); SIZES=shipped,10000 to choose sizes.
bench: install
	command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }
	$(BIN)/python -c 'import ctypes.util, sys; sys.exit(ctypes.util.find_library("mimalloc") is None)' || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libmimalloc2.0; }
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.run $(if $(QUICK),--quick,--sizes $(SIZES))

# make soak — 10 minutes of bounded mixed load on the production server (bench/soak): errors, latency
# drift, memory at start and end; never part of make test. MINUTES=2 for a shorter one.
.PHONY: soak
soak: install
	$(BIN)/python bench/soak --minutes $(or $(MINUTES),10)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
