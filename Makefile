# The two commands: `make run` serves the whole system, `make test` runs lint and every test.
# Both set everything up themselves (.venv, dependencies, database) on a machine with
# Python >= 3.11 and make. With DATABASE_URL / REDIS_URL unset they use the embedded default:
# SQLite and Celery's filesystem broker under var/.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= 1
export DEMO_PASSWORD ?= demo-taskforce-2026

.PHONY: run test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

var:
	mkdir -p var

run: export MFA_EXEMPT_DEMO_USERS ?= 1
run: $(VENV)/.installed var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) $(BIN)/python -m taskforce.runall

test: $(VENV)/.installed var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed var
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf var/db.sqlite3 var/broker var/staticfiles var/celerybeat-schedule*
