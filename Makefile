# SceneBridge: `make run` sets everything up and serves the site on the embedded default
# (SQLite file, in-process tasks, bundled model); `make test` runs the whole test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo lint worker bench clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv -v 0

demo: setup
	$(PY) manage.py load_demo

run: demo
	@echo "SceneBridge: http://$(HOST):$(PORT)/  (admin: /admin/, demo logins in README.md)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing (root on this machine kind),
# with a small CJK font so that the screenshots they save show Chinese text.
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null

test: $(STAMP) /usr/bin/chromium
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) -m ruff check .
	$(PY) -m pytest -p no:cacheprovider

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2

bench: $(STAMP)
	$(PY) bench/run_all.py

lint: $(STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) var
