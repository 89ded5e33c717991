# Qingfeng: `make run` serves the demo site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
ADDR ?= 127.0.0.1:8000

.PHONY: run test test-setup test-browser fuzz lint format messages bench bench-pages bench-api bench-sms bench-sms-faults bench-complaints bench-supervision bench-calendar bench-approvals bench-quizzes bench-study bench-lighthouse bench-load bench-faults bench-burst screenshots check-deploy up down logs clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Qingfeng needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py compile_catalogues
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py serve $(ADDR)

test: test-setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# What the tests need besides the venv: Chromium with CJK fonts, compiled catalogues. CI runs it once before
# running two passes of `make test` side by side.
test-setup: $(VENV)/.installed
	@bash scripts/ensure_chromium.sh
	$(PY) manage.py compile_catalogues

# Thousands of hostile cases against /graphql/ and every public form (random each run; FUZZ_EXAMPLES per target).
# Prints cases per target and the 500s found. On PostgreSQL: DATABASE_URL=postgres://... make fuzz
FUZZ_EXAMPLES ?= 200
fuzz: $(VENV)/.installed
	$(PY) manage.py compile_catalogues
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 $(VENV)/bin/pytest tests/fuzz -q $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Needs GNU gettext (xgettext); only translators and developers run this.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*' --no-obsolete
	$(PY) manage.py compile_catalogues

bench: $(VENV)/.installed
	$(PY) bench/import_cadres.py
	$(PY) bench/search.py
	$(PY) bench/pages.py

# Serves the demo with gunicorn and the production settings; loads the home page and a warning case.
bench-pages: $(VENV)/.installed
	$(PY) bench/pages.py

# The GraphQL home feed and a page query beside plain Django JSON views with the same data, through gunicorn.
# A campaign's click burst through gunicorn, PostgreSQL, Redis (database 5) and Varnish when installed.
bench-burst: $(VENV)/.installed
	$(PY) bench/burst.py $(BURST_ARGS)

bench-api: $(VENV)/.installed
	$(PY) bench/api.py

# Online approval with 200,000 applications: p95 of a tracking lookup and of a department's work queue.
bench-approvals: $(VENV)/.installed
	$(PY) -m bench.approvals

# Complaint intake, receipt look-ups (scrypt) and the public case list, on a throw-away database.
bench-complaints: $(VENV)/.installed
	$(PY) bench/complaints.py

# Quiz answers under concurrency 20 (p95) and the competition leaderboard at 100,000 attempts / 20,000 cadres.
bench-quizzes: $(VENV)/.installed
	$(PY) bench/quizzes.py

# Lighthouse mobile scores (performance, accessibility) through Debian's Chromium; needs npm on first use.
bench-lighthouse: $(VENV)/.installed
	bash bench/lighthouse.sh

# Locust is for the load benchmarks only: installed on first use, not part of requirements.txt.
$(VENV)/bin/locust: $(VENV)/.installed bench/load/requirements.txt
	$(PIP) install --quiet --disable-pip-version-check -r bench/load/requirements.txt
	@touch $@

# Mixed load (Locust, 50 users x 5 min) on gunicorn + PostgreSQL + Redis + workers, 1 and 2 web processes.
# LOAD_ARGS="--users 10 --duration 60 --web 1" for a short run.
bench-load: $(VENV)/bin/locust
	$(PY) bench/load/run.py $(LOAD_ARGS)

# The load while PostgreSQL restarts, Redis stops for 30 s and a worker is killed: clean 503s, recovery, nothing
# lost or doubled. Restarts this machine's PostgreSQL and Redis: FAULTS_ARGS=--dry-run only kills workers.
bench-faults: $(VENV)/bin/locust
	$(PY) bench/faults.py $(FAULTS_ARGS)

# Campaign dispatch on PostgreSQL against the fake Twilio server (needs PostgreSQL and Redis; takes minutes).
bench-sms: $(VENV)/.installed
	$(PY) bench/sms_campaign.py --recipients 100000
	$(PY) bench/sms_campaign.py --recipients 3000 --rate 100 --workers 1 4

# Exactly once under 20% gateway failures and three SIGKILLed workers.
bench-sms-faults: $(VENV)/.installed
	$(PY) bench/sms_faults.py

# Entering a year's holidays with open deadlines depending on it, on PostgreSQL (target: 100,000 under 60 s).
bench-calendar: $(VENV)/.installed
	createdb -h 127.0.0.1 -U postgres bench_calendar
	BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_calendar $(PY) bench/calendar_recompute.py $(BENCH_ARGS); \
		status=$$?; dropdb -h 127.0.0.1 -U postgres bench_calendar; exit $$status

# The study app at 100,000 cadres and 5,000,000 ledger rows, on PostgreSQL (exits 1 when a target is missed).
# Drops and re-creates its own database (BENCH_DATABASE_URL, default bench_study); --keep reuses a loaded one.
bench-study: $(VENV)/.installed
	$(PY) bench/study.py $(BENCH_ARGS)

# The supervision sweeper over 1,000,000 open clocks with 1,000 due, on PostgreSQL (target: under 1 s).
bench-supervision: $(VENV)/.installed
	createdb -h 127.0.0.1 -U postgres bench_supervision
	BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_supervision $(PY) bench/supervision.py; \
		status=$$?; dropdb -h 127.0.0.1 -U postgres bench_supervision; exit $$status

screenshots: $(VENV)/.installed
	@bash scripts/ensure_chromium.sh
	$(PY) manage.py compile_catalogues
	SCREENSHOT_DIR=docs/screenshots $(VENV)/bin/pytest tests/browser

check-deploy: $(VENV)/.installed
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=qingfeng.example.cn \
		COMPLAINTS_ENCRYPTION_KEYS=$$($(PY) -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())') \
	SUPERVISION_SIGNING_KEY=$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())') \
		$(PY) manage.py check --deploy --fail-level WARNING --settings=config.settings.production

# Production on Docker Compose (compose.yaml; docs/production.md). Needs .env.production and .env.minio.
COMPOSE := docker compose
define need_compose
	@$(COMPOSE) version >/dev/null 2>&1 || { echo "make $@: needs Docker with the compose plugin ('docker compose'); see docs/production.md" >&2; exit 1; }
endef

up:
	$(need_compose)
	@test -f .env.production || { echo "make up: copy .env.production.example to .env.production and fill it in first" >&2; exit 1; }
	@test -f .env.minio || { echo "make up: copy .env.minio.example to .env.minio and fill it in first (the object store's root user)" >&2; exit 1; }
	$(COMPOSE) up -d --build

down:
	$(need_compose)
	$(COMPOSE) down

logs:
	$(need_compose)
	$(COMPOSE) logs -f --tail=100

clean:
	rm -rf $(VENV) staticfiles
