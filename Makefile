# Furusato task runner, in the style of pelican-quickstart's Makefile.
# Every target bootstraps .venv from requirements.lock on first use.

PY ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
FURUSATO := PYTHONPATH=plugins $(PYTHON) -m furusato

INPUTDIR := content
OUTPUTDIR := output
CONFFILE := pelicanconf.py
PUBLISHCONF := publishconf.py

PORT ?= 8000
PREFECTURE ?=
DEBUG ?= 0
RELATIVE ?= 0
N ?= 500
RUNS ?= 3

BUILD_OPTS :=
ifneq ($(PREFECTURE),)
BUILD_OPTS += --prefecture $(PREFECTURE)
endif
ifeq ($(DEBUG),1)
BUILD_OPTS += --debug
endif
ifeq ($(RELATIVE),1)
BUILD_OPTS += --relative-urls
endif

.PHONY: help venv html clean regenerate serve devserver publish test check lint \
        article event codeowners lock bench screenshots github rsync_upload

help: ## List the targets
	@echo 'Furusato: static portals for prefectural JET alumni networks'
	@echo
	@grep -E '^[a-z_]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16
	@echo
	@echo 'Variables: PREFECTURE=<slug> (one microsite at /), DEBUG=1, RELATIVE=1, PORT=8000,'
	@echo '           N=500 RUNS=3 (bench: documents in the corpus, runs of each mode)'

$(VENV)/.installed: requirements.lock
	@test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install -qq --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@touch $@

venv: $(VENV)/.installed ## Create .venv from requirements.lock

html: $(VENV)/.installed ## Validate content and build the site into output/
	$(FURUSATO) build --settings $(CONFFILE) --output $(OUTPUTDIR) $(BUILD_OPTS)

clean: ## Remove output/ and build caches
	rm -rf $(OUTPUTDIR) .furusato-cache

regenerate: devserver ## Alias of devserver (rebuild on change)

serve: $(VENV)/.installed ## Serve output/ at http://127.0.0.1:$(PORT)/
	$(FURUSATO) serve --output $(OUTPUTDIR) --port $(PORT)

devserver: $(VENV)/.installed ## Build, serve on 127.0.0.1 and rebuild on every change
	$(FURUSATO) devserver --settings $(CONFFILE) --output $(OUTPUTDIR) --port $(PORT) $(BUILD_OPTS)

publish: $(VENV)/.installed ## Production build with publishconf.py (needs SITEURL=https://...)
	$(FURUSATO) build --settings $(PUBLISHCONF) --output $(OUTPUTDIR) $(BUILD_OPTS)

check: $(VENV)/.installed ## Validate profiles, articles and events without building
	$(FURUSATO) check $(if $(PREFECTURE),--prefecture $(PREFECTURE))

test: $(VENV)/.installed ## Run the test suite
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed ## Benchmark against vanilla Pelican into docs/benchmarks.md (N=500, RUNS=3)
	$(PYTHON) tests/benchmark/run.py --n $(N) --runs $(RUNS)

lock: ## Re-pin requirements.lock from pyproject.toml (needs network)
	$(PYTHON) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	    --python-version 3.11 -o requirements.lock
