# SupplyESG: `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SHARED_FIXTURES ?= ../shared/fixtures/cmrt-public
export SUPPLYESG_DATA_DIR ?= $(CURDIR)/var
# make test runs the suite in this many processes (pytest-xdist, --dist loadfile: a test file stays in one process,
# so a file's module-wide fixtures are built once; pytest 9 ignores xdist_group marks). 2 matches the 2-core CI machines;
# TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)
# The company's own CMRT/EMRT is written into these blanks when they are there (README: download them from RMI).
ifneq ($(wildcard $(SHARED_FIXTURES)/RMI_CMRT_6.5.xlsx),)
export CMRT_TEMPLATE_PATH ?= $(abspath $(SHARED_FIXTURES)/RMI_CMRT_6.5.xlsx)
export EMRT_TEMPLATE_PATH ?= $(abspath $(SHARED_FIXTURES)/RMI_EMRT_2.1.xlsx)
endif

.PHONY: install run serve worker demo test test-sqlite test-postgres test-e2e lint bench bench-smoke messages browser clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## .venv with the supplyesg command and the dev tools

# Programs the tests drive or open our files with, from Debian: Chromium (Playwright cannot download its own browser
# here), LibreOffice headless for xlsx, poppler for PDF, and the TrueType CJK font the PDF reports embed.
TEST_PROGRAMS := chromium libreoffice-calc-nogui poppler-utils fonts-wqy-microhei
browser:
	@missing=""; for p in $(TEST_PROGRAMS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi

messages: install  ## extract and compile the English/Chinese message catalogues
	cd src/supplyesg && ../../$(BIN)/supplyesg makemessages -l zh_Hans --no-obsolete --no-wrap --ignore 'minerals/cmrt/*'
	cd src/supplyesg && ../../$(BIN)/supplyesg compilemessages -l zh_Hans

demo: install  ## migrate, load reference data and the deterministic demo data set
	SUPPLYESG_DEMO=true $(BIN)/supplyesg migrate --no-input
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_reference
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_risk_countries
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_mineral_terms
	@if [ -d "$(SHARED_FIXTURES)" ] ; then \
	  SUPPLYESG_DEMO=true $(BIN)/supplyesg smelters_load $(SHARED_FIXTURES)/RMI_CMRT_6.5.xlsx $(SHARED_FIXTURES)/RMI_EMRT_2.1.xlsx; fi
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_demo
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_assessment_reference
	SUPPLYESG_DEMO=true $(BIN)/supplyesg recompute_risk --year $$(date +%Y)
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_demo_programme
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_demo_minerals
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_material_definitions
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_demo_traceability
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_disclosure_catalogue
	SUPPLYESG_DEMO=true $(BIN)/supplyesg load_demo_reporting
	SUPPLYESG_DEMO=true $(BIN)/supplyesg refresh_reporting_dashboard

run: demo  ## set everything up and serve http://127.0.0.1:8000 with the background worker
	@echo "Starting the background worker and the web server on http://$(HOST):$(PORT)/"
	@SUPPLYESG_DEMO=true $(BIN)/supplyesg db_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	SUPPLYESG_DEMO=true $(BIN)/supplyesg runserver $(HOST):$(PORT)

test: install browser  ## lint, import layers, migrations check, the suite on SQLite and PostgreSQL, browser tests
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/supplyesg makemigrations --check --dry-run
	$(MAKE) --no-print-directory bench-smoke
	$(BIN)/python -m pytest $(XDIST)
	./scripts/test-postgres $(XDIST)

test-sqlite: install
	$(BIN)/python -m pytest $(XDIST)

test-postgres: install
	./scripts/test-postgres $(XDIST)

lint: install  ## ruff and the import layers (README "Layers")
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src tests bench || true

BENCHES = $(filter-out common __init__ name_evalset,$(basename $(notdir $(wildcard bench/[a-z]*.py))))

bench: install  ## speed figures, as ratios against a baseline in the same process
	@for b in $(BENCHES); do echo "== bench/$$b.py"; \
	  DJANGO_SETTINGS_MODULE=supplyesg.settings_test $(BIN)/python -m bench.$$b || exit 1; done

# Two benches at a time (TEST_WORKERS processes): each is one single-threaded process.
# The schema is migrated once into a SQLite file that every bench copies (bench/common.py TEMPLATE_ENV).
bench-smoke: install  ## every bench at a tiny size (BENCH_SMOKE=1), so a broken bench fails CI
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	DJANGO_SETTINGS_MODULE=supplyesg.settings_test $(BIN)/python -m bench.common save-template "$$tmp/schema.sqlite3" && \
	printf '%s\n' $(BENCHES) | BENCH_SQLITE_TEMPLATE="$$tmp/schema.sqlite3" xargs -P $(if $(filter 0,$(TEST_WORKERS)),1,$(TEST_WORKERS)) -I{} sh -c \
	  'echo "== bench/{}.py (smoke)"; BENCH_SMOKE=1 DJANGO_SETTINGS_MODULE=supplyesg.settings_test $(BIN)/python -m bench.{} >/dev/null || \
	  { echo "bench/{}.py failed at the smoke size"; exit 255; }'

clean:
	rm -rf $(VENV) var
