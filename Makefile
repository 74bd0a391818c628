# Two commands matter: `make run` (the app on SQLite with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py

.PHONY: run test lint format translations messages-update db-upgrade bench bench-short fuzz-long clean instruments

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# Compiled catalogs are built, not committed.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations --statistics

db-upgrade: $(VENV)/.installed translations
	$(BIN)/flask db upgrade

run: db-upgrade
	$(BIN)/flask demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Style, and the import direction core <- meetings <- engagement (pyproject.toml).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The instruments the suite measures every page with (package.json): axe-core and the Nu
# HTML Checker. Without npm the suite still runs and skips those checks, saying why.
instruments: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else \
		echo "npm not found: the accessibility and HTML checks of the suite will be skipped"; \
	fi

test: $(VENV)/.installed-test translations lint instruments
	$(BIN)/pytest $(PYTEST_ARGS)

# After adding or changing user-visible strings: extract them, then translate in the .po.
messages-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --width 100 \
		--project Sunshine --ignore-dirs '.venv node_modules migrations tests instance' \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --width 100

# The load bench (bench/run.py; README "Performance"): gunicorn and wrk (installed when
# missing), SQLite and PostgreSQL, demo size and ten busy years. A report: speed never fails.
bench: $(VENV)/.installed translations
	$(BIN)/python bench/run.py

# Its short version, as CI runs it: two seconds a page.
bench-short: $(VENV)/.installed translations
	BENCH_SECONDS=2 $(BIN)/python bench/run.py

# The long fuzz (bench/fuzz_long.py): 500 inputs to every form, staff forms included, on
# SQLite and (with TEST_DATABASE_URL) PostgreSQL side by side. A failure it finds fails.
fuzz-long: $(VENV)/.installed-test translations
	$(BIN)/python bench/fuzz_long.py $(FUZZ_LONG_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
