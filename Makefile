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

# Deployment (make github, make rsync_upload); SITEURL=https://... is read by publishconf.py.
GITHUB_PAGES_BRANCH ?= gh-pages
GITHUB_PAGES_COMMIT_MESSAGE ?= Publish
CNAME ?=
SSH_HOST ?=
SSH_PORT ?= 22
SSH_USER ?= $(USER)
SSH_TARGET_DIR ?=
PREFECTURE ?=
DEBUG ?= 0
RELATIVE ?= 0
N ?= 500
RUNS ?= 3
CURVE ?= 0
CURVE_RUNS ?= 3
CURVE_NS ?=

ifneq ($(filter rsync_upload,$(MAKECMDGOALS)),)
ifeq ($(and $(SSH_HOST),$(SSH_TARGET_DIR)),)
$(error rsync_upload: set SSH_HOST and SSH_TARGET_DIR, for example SSH_HOST=example.org SSH_TARGET_DIR=/var/www/furusato)
endif
endif

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
        article event codeowners lock bench screenshots share-card cms-config github rsync_upload translations digest

help: ## List the targets
	@echo 'Furusato: static portals for prefectural JET alumni networks'
	@echo
	@grep -E '^[a-z_]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16
	@echo
	@echo 'Variables: PREFECTURE=<slug> (one microsite at /), DEBUG=1, PORT=8000,'
	@echo '           RELATIVE=1 (links that work when the output folder is opened from disk),'
	@echo '           N=500 RUNS=3 (bench: documents in the corpus, runs of each mode),'
	@echo '           CURVE=1 CURVE_RUNS=3 CURVE_NS=500,2000,10000,50000 (bench: scaling curve)'
	@echo 'Deploying: SITEURL=https://... (publish, github, rsync_upload), CNAME=, SSH_HOST=,'
	@echo '           SSH_PORT=22, SSH_USER=, SSH_TARGET_DIR='

$(VENV)/.installed: requirements.lock
	@test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install -qq --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@touch $@

venv: $(VENV)/.installed ## Create .venv from requirements.lock

# Node packages from package-lock.json: Pagefind (the search index; its platform binary comes
# through its optionalDependencies), and the quality gates' vnu-jar and axe-core. No install
# scripts run: vnu-jar's would download a Java runtime, and Pagefind needs none.
node_modules/.installed: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

html: $(VENV)/.installed node_modules/.installed ## Validate content and build the site into output/
	$(FURUSATO) build --settings $(CONFFILE) --output $(OUTPUTDIR) --port $(PORT) $(BUILD_OPTS)

clean: ## Remove output/ and build caches
	rm -rf $(OUTPUTDIR) .furusato-cache

regenerate: devserver ## Alias of devserver (rebuild on change)

serve: $(VENV)/.installed ## Serve output/ at http://127.0.0.1:$(PORT)/
	$(FURUSATO) serve --output $(OUTPUTDIR) --port $(PORT)

devserver: $(VENV)/.installed node_modules/.installed ## Build, serve on 127.0.0.1 and rebuild on every change
	$(FURUSATO) devserver --settings $(CONFFILE) --output $(OUTPUTDIR) --port $(PORT) $(BUILD_OPTS)

publish: $(VENV)/.installed node_modules/.installed ## Production build with publishconf.py (needs SITEURL=https://...)
	$(FURUSATO) build --settings $(PUBLISHCONF) --output $(OUTPUTDIR) $(BUILD_OPTS)

github: publish ## Publish output/ to the gh-pages branch and push it (CNAME=host for a domain)
	$(VENV)/bin/ghp-import -m "$(GITHUB_PAGES_COMMIT_MESSAGE)" -b $(GITHUB_PAGES_BRANCH) \
	    --no-jekyll $(if $(CNAME),--cname $(CNAME)) "$(OUTPUTDIR)"
	git push origin $(GITHUB_PAGES_BRANCH)

rsync_upload: publish ## Upload output/ to SSH_USER@SSH_HOST:SSH_TARGET_DIR (changed files only)
	rsync -e "ssh -p $(SSH_PORT)" -P -rvzc --delete-after --delay-updates \
	    "$(OUTPUTDIR)"/ "$(if $(SSH_USER),$(SSH_USER)@)$(SSH_HOST):$(SSH_TARGET_DIR)"

check: $(VENV)/.installed ## Validate profiles, articles and events without building
	$(FURUSATO) check --settings $(CONFFILE) $(if $(PREFECTURE),--prefecture $(PREFECTURE))

# make passes variables given on its command line to the recipe's environment, so the shell
# quotes TITLE safely whatever it contains ("$$TITLE"); empty ones are ignored by furusato new.
article: $(VENV)/.installed ## New article: make article PREFECTURE=tottori AUTHOR=amy-chen TITLE="..."
	$(FURUSATO) new article --prefecture "$$PREFECTURE" --author "$$AUTHOR" --title "$$TITLE" \
	    --slug "$$SLUG" --date "$$DATE" --kind "$$KIND"

event: $(VENV)/.installed ## New event: make event PREFECTURE=tottori AUTHOR=amy-chen TITLE="..." DATE=2026-12-05
	$(FURUSATO) new event --prefecture "$$PREFECTURE" --author "$$AUTHOR" --title "$$TITLE" \
	    --slug "$$SLUG" --date "$$DATE" --timezone "$$TIMEZONE"

# PREFECTURE names the digest here (or "national"); the whole site is built, as by make html.
digest: $(VENV)/.installed ## One month's digest files: make digest PREFECTURE=tottori MONTH=2026-11
	@test -n "$(MONTH)" || { echo 'give the month: make digest PREFECTURE=tottori MONTH=2026-11'; exit 2; }
	$(FURUSATO) digest show --settings $(CONFFILE) --output $(OUTPUTDIR) \
	    --prefecture "$(or $(PREFECTURE),national)" --month "$(MONTH)"

codeowners: $(VENV)/.installed ## Write .github/CODEOWNERS from the profiles' coordinators
	$(FURUSATO) codeowners

cms-config: $(VENV)/.installed ## Write the web editor's configuration theme/admin/config.yml from the schemas
	$(FURUSATO) cms-config --settings $(CONFFILE)

test: $(VENV)/.installed node_modules/.installed ## Run the test suite
	$(PYTHON) -m pytest $(PYTEST_ARGS)

share-card: $(VENV)/.installed ## Redraw the default share card and logo PNGs in theme/static/img/
	$(PYTHON) theme/cards/make_cards.py

screenshots: html ## Save PNGs of the main page types (phone, desktop) to docs/screenshots/
	PYTHONPATH=plugins $(PYTHON) -m tests.quality.screenshots $(OUTPUTDIR) docs/screenshots

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Hugo (Debian's package) is the third column: installed here when missing and run as root;
# otherwise the benchmark says in one line that the Hugo column is skipped. Never fails.
bench: $(VENV)/.installed ## Benchmark against vanilla Pelican and Hugo into docs/benchmarks.md (N=500, RUNS=3; CURVE=1: the scaling curve)
	@command -v hugo >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1 || \
	    { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1; } || true
	$(PYTHON) tests/benchmark/run.py --n $(N) --runs $(RUNS) \
	    $(if $(filter 1,$(CURVE)),--curve --curve-runs $(CURVE_RUNS) $(if $(CURVE_NS),--curve-ns $(CURVE_NS)))

# The catalog's header carries no creation date and entries are sorted, so running this
# again with no change in the templates or plugins changes no file.
translations: $(VENV)/.installed ## Extract UI text into theme/translations/ and update the ja catalog
	$(VENV)/bin/pybabel -q extract -F babel.cfg --omit-header --sort-output --add-location=file \
	    --no-wrap -o theme/translations/messages.pot plugins theme/templates
	$(VENV)/bin/pybabel -q update -i theme/translations/messages.pot -d theme/translations \
	    -l ja --init-missing --ignore-obsolete --ignore-pot-creation-date --no-wrap

lock: ## Re-pin requirements.lock from pyproject.toml (needs network)
	$(PYTHON) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	    --python-version 3.11 -o requirements.lock
