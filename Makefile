# Two commands matter: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2

.PHONY: run test check lint venv services messages worker data bench prod loadtest

# Create the virtual environment with a Python >= 3.12 and install the pinned packages (again only when the
# requirement files change).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

## run: install, migrate, load Hanoi's units and the demo data, then serve http://127.0.0.1:8000
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	scripts/serve.sh

## test: the whole suite on PostgreSQL and Redis (started if down); the tests that drive a real Celery worker or
## a browser run last, on their own database, because they commit data the worker and live server must see;
## then the smoke run on SQLite. Browser screenshots land in var/e2e-screenshots/.
test: venv services
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not worker and not e2e"
	TEST_DATABASE_NAME=test_sotheodoi_live $(PY) -m pytest -p no:xdist -m "worker or e2e" --create-db
	DATABASE_URL=sqlite:// $(PY) -m pytest -m smoke -p no:xdist -q

## check: lint, formatting, types (mypy with django-stubs) and migrations, as CI runs them
check: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run

services:
	@scripts/services-up.sh

SCALE ?= small
## data: generated data for load tests, SCALE=tiny|small|district|city (district and city need a PostgreSQL
## DATABASE_URL); replaces earlier generated rows, leaves everything else alone
data: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py generate_data --scale $(SCALE) --reset

## bench: time the everyday pages and the half-year report on the generated data (after `make data SCALE=city`,
## on the same PostgreSQL DATABASE_URL); prints a table and writes benchmarks/latest.json
bench: venv
	$(PY) manage.py bench

## worker: a Celery worker with the beat scheduler, for a set-up with CELERY_BROKER_URL
worker: venv
	$(VENV)/bin/celery -A config worker --beat --loglevel=INFO

## prod: the production services in the foreground, as deployed (scripts/prod-run.sh; needs the variables of
## README "Deployment": DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL); Ctrl+C stops all
prod: venv
	scripts/prod-run.sh release
	trap 'kill $$(jobs -p) 2>/dev/null' EXIT; scripts/prod-run.sh worker & scripts/prod-run.sh beat & scripts/prod-run.sh web

## loadtest: 30 users on the reception and case pages for 60 s against gunicorn with production settings, on a
## database of its own (sotheodoi_load, demo data and SCALE=small generated once); prints req/s, p95, failures
loadtest: venv services
	scripts/loadtest/run.sh

## messages: refresh the Vietnamese catalogue after changing translatable text
messages: venv
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=var
	$(PY) manage.py compilemessages -l vi --ignore=.venv
