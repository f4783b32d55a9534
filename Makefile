# wgsim: `make run` sets up and runs the main job; `make test` sets up and runs the tests.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSETS := $(VENV)/.solara-assets
CHROMIUM := /usr/bin/chromium
PYENV_PY := $(shell pyenv root 2>/dev/null)/versions/3.12.1/bin/python3
BASE_PY := $(shell if command -v python3.12 >/dev/null 2>&1 && python3.12 -c 'import sys' >/dev/null 2>&1; then echo python3.12; elif [ -x "$(PYENV_PY)" ]; then echo "$(PYENV_PY)"; else echo python3; fi)

.PHONY: setup run test lint browser bench clean serve

setup: $(STAMP) $(ASSETS)

# Installed packages are byte-compiled once at install (--compile-bytecode): with
# PYTHONDONTWRITEBYTECODE set, as on this machine, every Python process (each CLI call,
# test subprocess, page server, worker) would otherwise compile pandas, SciPy and
# matplotlib from source again: importing the comparison report took 10 s instead of 3.5 s.
$(STAMP): pyproject.toml
	@$(BASE_PY) -c 'import sys; assert sys.version_info >= (3, 12), "wgsim needs Python >= 3.12, found " + sys.version' 
	@test -x $(PY) || $(BASE_PY) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip uv >/dev/null 2>&1 || true
	@if [ -x $(VENV)/bin/uv ]; then \
	  VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -e '.[dev]'; \
	else \
	  $(PY) -m pip install --quiet -e '.[dev]'; \
	fi
	@touch $(STAMP)

# Solara's JavaScript/CSS from the npm registry into its CDN cache, so the page works offline.
$(ASSETS): $(STAMP) sim/page/assets.py
	@if $(PY) -m sim.page.assets; then touch $(ASSETS); \
	else echo "warning: Solara's web assets are not cached; 'wgsim serve' will need the internet"; fi

# A real browser for the page's tests: Debian's Chromium, installed when we can (root + apt).
browser:
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "warning: could not install chromium; the browser tests will be skipped"; \
	fi

# The headline and its robustness (docs/robustness.md): the comparison with parameters drawn
# from the posterior (as `wgsim compare --posterior`), the Sobol' sample over the judgement
# ranges, the sweeps; then the summary README's headline is checked against
# (tests/test_robustness.py) is refreshed from this run.
run: setup
	$(VENV)/bin/wgsim robustness experiments/robustness/headline.yaml --out results/robustness --replace
	cp results/robustness/summary.csv experiments/robustness/summary.csv
	@echo "summary: experiments/robustness/summary.csv (README's headline numbers)"

lint: setup
	$(VENV)/bin/ruff check sim tests benchmarks
	$(VENV)/bin/ruff format --check sim tests benchmarks
	$(VENV)/bin/mypy

test: setup lint browser
	$(PY) -m pytest -q -n 2 -p no:cacheprovider --durations=15

serve: setup
	$(VENV)/bin/wgsim serve scenarios/historical.yaml

bench: setup
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV) results .pytest_cache .mypy_cache .ruff_cache
