# Newsroom: `make run` serves the demo site, `make test` runs the whole suite. Both set themselves up first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# Extra pip requirement for a second stack, e.g. DJANGO_SPEC='Django>=5.2,<5.3' with PYTHON=python3.11.
DJANGO_SPEC ?=
HOST ?= 127.0.0.1
PORT ?= 8000
LANGS := $(shell sed -n 's/^MODELTRANSLATION_LANGUAGES = (\(.*\))/\1/p' newsroom/settings.py | tr -d '" ' | tr ',' ' ')

# The newest Python >= 3.12 that really starts (pyenv shims exist for versions that are not active and fail),
# else python3.
define find_python
for c in python3.14 python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  "$$c" -c 'import sys, ssl, sqlite3, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$c"; exit 0; }; \
done; echo python3
endef
PYTHON ?= $(shell $(find_python))

.PHONY: setup run test lint messages check-messages bench clean
setup: $(VENV)/.installed node_modules/.installed locale/.compiled

# The host project's catalogs are compiled here, not committed (the app ships its own .mo files), so that the
# site and a plain `pytest` after `make setup` speak Russian and Kazakh. compilemessages skips up-to-date files.
locale/.compiled: $(VENV)/.installed $(wildcard locale/*/LC_MESSAGES/*.po articles/locale/*/LC_MESSAGES/*.po)
	$(PY) manage.py compilemessages --ignore '.venv*' --verbosity 0 --settings tests.settings
	@touch $@

# The HTML checker and axe-core that the suite runs on rendered pages, and Lighthouse for `make bench`; skipped
# (with a note) without npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the HTML-validity and accessibility tests will be skipped"; fi

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || { echo "Creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]' $(if $(DJANGO_SPEC),'$(DJANGO_SPEC)')
	@touch $@

run: export DJANGO_DEBUG ?= 1
# Absolute URLs (canonical, feeds, sitemap) leave out a port unless the site URL names it.
run: export ARTICLES_SITE_URL ?= http://$(HOST):$(PORT)
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff over the repository, mypy (with django-stubs) over the app; both configured in pyproject.toml. Both run,
# so that one look shows every finding; either failing fails the target.
lint: setup
	@status=0; $(VENV)/bin/ruff check . || status=1; $(PY) -m mypy || status=1; exit $$status

messages: export DJANGO_DEBUG = 1
# Two sets of catalogs: the app's own strings in articles/locale (shipped in its wheel; makemessages runs inside the
# app, without the host's settings, so nothing but the app is read; -P: the app's selectors.py must not shadow the
# standard library's), and the host project's in locale/ (its pages,
# and its translations of Django's admin strings, which LOCALE_PATHS puts above every app's).
messages: setup
	cd articles && env -u DJANGO_SETTINGS_MODULE $(abspath $(PY)) -P -m django makemessages --no-obsolete $(addprefix -l ,$(filter-out en,$(LANGS)))
	$(PY) manage.py makemessages --ignore '.venv*' --ignore 'tests' --ignore 'bench' --ignore 'articles' --ignore 'build' --no-obsolete $(addprefix -l ,$(filter-out en,$(LANGS)))
	$(PY) manage.py makemessages --domain djangojs --ignore '.venv*' --ignore 'tests' --ignore 'bench' --ignore 'articles' \
		--ignore 'node_modules' --ignore 'staticfiles' --no-obsolete $(addprefix -l ,$(filter-out en,$(LANGS)))
	$(PY) manage.py compilemessages --ignore '.venv*'

# Fails when a catalog is untranslated, fuzzy, rejected by msgfmt, has wrong placeholders, plural forms or added
# markup, or is out of step with the code (see tests/catalogs.py, which tests/test_catalogs.py runs too).
check-messages: setup
	$(PY) -m tests.catalogs

# Markdown render time for a 10 KB article per language (bench/render.py); import speed and memory for 5,000
# files (bench/import_articles.py, BENCH_IMPORT_FILES to change); article pages per second and p99 latency,
# counting every view, with each counter, next to a bare Django page (bench/run.py; wrk when installed,
# BENCH_DATABASE_URL=postgres://… for PostgreSQL); what a User-Agent can make an article page cost, normal against
# unique long ones (bench/user_agents.py); search page p50/p95 at 100,000 articles on PostgreSQL
# (bench/search.py, BENCH_SEARCH_DATABASE_URL; skipped with a note when PostgreSQL is not reachable);
# every page's cost at 1,000 and at 100,000 articles, cold, with the ratio, the "most read" selectors, the sitemap
# files' time per address and the import's rate and memory on the same server (bench/scale.py: BENCH_ARTICLES,
# BENCH_DATABASE_URL=postgres://… for PostgreSQL, BENCH_IMPORT_FILES; the archives are built once, with
# bulk_create, and reused); Lighthouse's four scores for the demo's front and article pages in each language,
# mobile (bench/lighthouse.py; skipped with a note without npm).
bench: setup
	$(PY) bench/render.py
	$(PY) bench/import_articles.py --files $${BENCH_IMPORT_FILES:-5000}
	$(PY) -m bench.run
	$(PY) -m bench.user_agents
	$(PY) -m bench.search
	$(PY) -m bench.scale
	@if command -v npm >/dev/null && test -x node_modules/.bin/lighthouse; then $(PY) -m bench.lighthouse; \
	else echo "npm or node_modules/.bin/lighthouse missing: Lighthouse skipped"; fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .hypothesis .mypy_cache .ruff_cache
