# Guichet — every set-up step a fresh machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# A fresh clone needs no configuration: the demo, the tests and the benchmarks get the public
# development key and the built-in test payment provider, set here explicitly (outside DEBUG
# the settings refuse to start without SECRET_KEY and turn no payment provider on by themselves).
export SECRET_KEY ?= dev-only-insecure-key-change-me-in-production-0123456789abcdef
export PAYMENT_PROVIDER ?= test

.PHONY: lock demo test test-imap test-tools e2e lint bench bench-http install migrate clean debian-pango

# Debian packages a target needs: installed when missing (as root, like CI), else named.
define debian_packages
	@command -v dpkg >/dev/null || exit 0; \
	missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "apt-get install$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install these Debian packages: apt-get install$$missing" >&2; exit 1; fi; \
	fi
endef

## The exact versions, with their hashes, come from requirements.lock (make lock rewrites it
## from pyproject.toml); the project itself is installed on top without resolving anything.
$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## make lock: pin every dependency (runtime, [routing] and [dev]) with hashes, after a change
## to pyproject.toml's dependencies; commit requirements.lock with it.
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --extra dev --extra routing \
	  --output-file requirements.lock pyproject.toml

## WeasyPrint, which writes the PDFs, lays text out with Pango.
debian-pango:
	$(call debian_packages,libpango-1.0-0 libpangoft2-1.0-0)

install: debian-pango $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

## make demo [PORT=8000] [HOST=127.0.0.1]: install, migrate SQLite, load the demo territory, run
## web server + worker. Links in emails, PDFs and calendars point at HOST:PORT unless SITE_URL says.
## It runs as production does (DEBUG off: the project's own error pages, collected static files
## served by WhiteNoise); only the cookies are allowed over plain http on this machine.
demo: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	HOST=$(HOST) PORT=$(PORT) DEMO=1 $(PY) manage.py load_demo --no-logins --history 3000
	HOST=$(HOST) PORT=$(PORT) DEBUG=$${DEBUG:-0} DEMO=1 SECURE_COOKIES=0 AGENT_2FA_REQUIRED=$${AGENT_2FA_REQUIRED:-0} INBOUND_TOKEN=$${INBOUND_TOKEN:-demo-courriel} $(PY) manage.py run_demo --host $(HOST) --port $(PORT)

## make test: the whole suite (SQLite unless DATABASE_URL says otherwise).
test: install
	$(PY) -m pytest -m "not e2e and not imap and not tools" -q

## make test-imap: fetching mail from a real IMAP server (needs Debian's dovecot-imapd).
test-imap: install
	$(PY) -m pytest -m imap -q

## make test-tools: our PDFs and .ics read by Debian's poppler-utils and libical.
test-tools: install
	$(call debian_packages,poppler-utils)
	@ldconfig -p | grep -q 'libical\.so\.3 ' || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$(apt-cache show libical3t64 \
	  >/dev/null 2>&1 && echo libical3t64 || echo libical3) >/dev/null; } || \
	  { echo "Please install libical: apt-get install libical3 (libical3t64 on Debian 13)" >&2; exit 1; }
	$(PY) -m pytest -m tools -q

## make e2e: browser journeys with Debian's chromium and axe-core.
e2e: install node_modules/axe-core/axe.min.js
	$(PY) -m pytest -m e2e -q tests/e2e

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

## make bench: every page under load against a bare view (bench/http_load.py, needs wrk), inbox and
## case page latency on a generated dataset, receipt email delay, receipts through an SMTP
## outage and worker crashes.
bench: install
	$(PY) bench/http_load.py
	$(PY) bench/run.py
	$(PY) bench/reports.py
	$(PY) bench/appointments.py
	$(PY) bench/search.py
	$(PY) bench/procedures.py
	$(PY) bench/delivery.py

## make bench-http [ARGS="--cases 100000"]: only the pages under load.
bench-http: install
	$(PY) bench/http_load.py $(ARGS)

clean:
	rm -rf $(VENV) var node_modules
