# viralclip — the Makefile is the manual. Needs only python3 (3.11+) and make.
PYTHON ?= python3
BOOT   := .bootstrap
UV     := $(BOOT)/bin/uv
VENV   := .venv
BIN    := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

TYPED := contracts/src $(wildcard services/*/src) deploy/local/src tests/support/src

.PHONY: help install lint typecheck test test-unit test-integration test-e2e test-faults \
        test-containers up stack demo bench schemas asyncapi deploy-files clean browser compose-cli

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"

$(VENV)/.synced: $(UV) uv.lock pyproject.toml */pyproject.toml services/*/pyproject.toml deploy/local/pyproject.toml tests/support/pyproject.toml
	$(UV) sync --frozen --all-packages --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced ## create .venv from the lock file (uv, bootstrapped with pip)

lint: install ## ruff lint + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## mypy (strict) on every package
	$(BIN)/mypy $(TYPED)

test: lint typecheck browser compose-cli ## lint, types and the whole test suite (unit, integration, e2e, faults, browser)
	$(BIN)/pytest

browser: ## Debian's chromium for the browser tests: installed with apt when missing (as root)
	@if [ -n "$$VIRALCLIP_CHROMIUM" ] || [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "make browser: the browser tests need Debian's chromium: apt-get install chromium (as root)," \
			"or set VIRALCLIP_CHROMIUM to a Chromium binary" >&2; exit 1; \
	fi

compose-cli: ## a Compose CLI, so the test suite validates deploy/compose: Debian's docker-compose when missing (as root)
	@if docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker-compose; \
	else \
		echo "make compose-cli: the compose-file test needs \`docker compose\` or docker-compose:" \
			"apt-get install docker-compose (as root)" >&2; exit 1; \
	fi

test-unit: install ## unit tests only (no broker, no database)
	$(BIN)/pytest tests/unit

test-integration: install ## integration tests against the real protocols
	$(BIN)/pytest tests/integration

test-e2e: install browser ## end-to-end: services as separate processes, and the review page in Chromium
	$(BIN)/pytest tests/e2e

test-faults: install ## fault-injection tests (crashes, outages, poison, fuzzing)
	$(BIN)/pytest -m faults

test-containers: install ## integration suite on Apache Kafka + MongoDB containers (needs a Docker engine)
	VIRALCLIP_TEST_CONTAINERS=1 $(BIN)/pytest tests/integration

stack: install ## only the embedded broker and database, in the foreground
	$(BIN)/python -m viralclip_localstack stack

up: install ## embedded broker + database + every service, in the foreground (Ctrl-C stops all)
	$(BIN)/python -m viralclip_localstack up

demo: install ## clip the bundled NASA podcast end to end on the embedded stack; DEMO_ARGS=--keep-running leaves it up
	$(BIN)/python -m viralclip_localstack.demo $(DEMO_ARGS)

bench: install ## benchmarks: windowing, scoring strategies, thumbnails, the pipeline's critical path, throughput, memory, renders (about 20 min)
	$(BIN)/python tests/bench/bench_windowing.py
	$(BIN)/python tests/bench/bench_scoring.py
	$(BIN)/python tests/bench/bench_thumbnails.py --runs 3
	$(BIN)/python tests/bench/bench_pipeline.py --runs 3
	$(BIN)/python tests/bench/eval_offline_scorer.py
	$(BIN)/python tests/bench/bench_render.py

schemas: install ## regenerate the contracts' JSON Schemas
	$(BIN)/python -m viralclip_contracts.schema_export

clean: ## remove the virtualenv and local state
	rm -rf $(VENV) $(BOOT) var .pytest_cache .mypy_cache .ruff_cache

asyncapi: install ## regenerate the services' AsyncAPI documents in docs/asyncapi/
	$(BIN)/python docs/asyncapi/generate.py

deploy-files: install ## write the workspace's members and services into deploy/docker/Dockerfile and deploy/compose/
	$(BIN)/python deploy/generate.py
