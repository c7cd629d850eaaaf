# Crossdock — the Makefile is the interface: people and CI call the same targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STACK := $(PY) deploy/local/stack.py
# The test suite runs on its own stack (own ports, own state) so it never disturbs `make up`.
TEST_STACK := CROSSDOCK_STATE_DIR=.local/test-stack CROSSDOCK_KAFKA_PORT=29092 CROSSDOCK_PG_PORT=25432 $(STACK)
BENCH_STACK := CROSSDOCK_PG_STATEMENTS=1 CROSSDOCK_STATE_DIR=.local/bench-stack CROSSDOCK_KAFKA_PORT=39092 CROSSDOCK_PG_PORT=35432 $(STACK)
# The fault-injection suite owns its stack: it kills Kafka and PostgreSQL themselves.
CHAOS_ENV := CROSSDOCK_STATE_DIR=.local/chaos-stack CROSSDOCK_KAFKA_PORT=49092 CROSSDOCK_PG_PORT=45432 CROSSDOCK_TEST_PORTS=26000-32000
CHAOS_STACK := $(CHAOS_ENV) $(STACK)
CHAOS_ARGS ?=

.PHONY: help venv lock jars test-tools up down demo test chaos test-newest lint asyncapi openapi compose-config k8s-topics bench clean

help:
	@echo "make demo      run the whole hub with simulated channels (leaves it running)"
	@echo "make up        start Kafka, PostgreSQL and the five services"
	@echo "make down      stop what make up / make demo started"
	@echo "make test      run the whole test suite (sets everything up itself)"
	@echo "make lint      ruff + mypy"
	@echo "make test-tools  Debian's Chromium and promtool, which make test uses"
	@echo "make asyncapi  write every service's AsyncAPI document to docs/asyncapi/"
	@echo "make openapi   write every service's OpenAPI document to docs/openapi/"
	@echo "make compose-config  write config/ as docker compose sees it, to deploy/compose/config/"
	@echo "make k8s-topics  write the Strimzi topics of the registry to deploy/k8s/base/"
	@echo "make bench     throughput and latency benchmark, results in bench/results/"
	@echo "make chaos     every fault scenario and every invariant, report in chaos-results/"

# requirements.lock pins every package (`make lock` writes it anew from pyproject.toml's ranges).
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON_VERSION) >/dev/null || { echo "needs $(PYTHON_VERSION)"; exit 1; }
	@test -x $(PY) || $(PYTHON_VERSION) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

lock:
	@test -x $(PY) || $(PYTHON_VERSION) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade -e '.[dev]'
	$(PY) -m pip freeze --exclude-editable | grep -v '^crossdock' > requirements.lock

venv: $(STAMP)

# What the suite needs from Debian: Chromium (the ops console is tested in a real browser,
# driven by Playwright; no browser download of Playwright's own) and promtool (the alert
# rules are checked by Prometheus' own tool), and kustomize for the manifests (kubectl's, or
# built from the Go module proxy), and axe-core from npm (the console's accessibility
# checks, run in that browser). Installed once, as root or through sudo.
test-tools:
	@{ command -v chromium && command -v promtool; } >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends chromium prometheus >/dev/null; }
	@{ command -v kustomize || command -v kubectl || test -x .local/bin/kustomize; } >/dev/null || \
	  GOBIN=$(CURDIR)/.local/bin go install sigs.k8s.io/kustomize/kustomize/v5@v5.5.0
	@test -f .local/npm/node_modules/axe-core/axe.min.js || \
	  npm install --silent --no-save --no-audit --no-fund --prefix .local/npm axe-core@4.14.1
	@chromium --version 2>/dev/null | head -1; promtool --version 2>&1 | head -1

jars: $(STAMP)
	$(PY) -c "from deploy.local.kafka import fetch_jars; fetch_jars()"

up: venv jars
	$(STACK) up

down: venv
	$(STACK) down

demo: up
	$(PY) deploy/local/demo.py

test: venv jars test-tools lint
	@$(TEST_STACK) reset >/dev/null 2>&1 || true   # every run starts from empty Kafka logs and databases
	$(TEST_STACK) up --infra-only
	@eval "$$($(TEST_STACK) env)"; status=0; \
	  $(PY) -m pytest -q -ra $(PYTEST_ARGS) || status=$$?; \
	  if [ $$status = 0 ] && [ -z "$(PYTEST_ARGS)" ]; then $(MAKE) --no-print-directory test-newest || status=$$?; fi; \
	  $(TEST_STACK) down; exit $$status

# The newest Python the hub supports (pyproject: 3.11 to 3.13), where the machine has it:
# the unit and integration suites run on it as well, on the same stack; the oldest, the
# project's own venv, runs everything.
NEWEST_PYTHON := $(shell for p in python3.13 $(HOME)/.pyenv/versions/3.13*/bin/python3.13; do $$p -c "" 2>/dev/null && { echo $$p; break; }; done)
NEWEST_VENV := .venv-newest
test-newest:
	@if [ -z "$(NEWEST_PYTHON)" ]; then echo "python3.13 is not on this machine: the newest-Python run needs it"; exit 0; fi; \
	  test -x $(NEWEST_VENV)/bin/python || $(NEWEST_PYTHON) -m venv $(NEWEST_VENV); \
	  test $(NEWEST_VENV)/.installed -nt requirements.lock || { \
	    $(NEWEST_VENV)/bin/python -m pip install -q --upgrade pip && \
	    $(NEWEST_VENV)/bin/python -m pip install -q -c requirements.lock -e '.[dev]' && touch $(NEWEST_VENV)/.installed; }; \
	  echo "the unit and integration suites on $$($(NEWEST_VENV)/bin/python --version)"; \
	  $(NEWEST_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/unit tests/integration

lint: venv
	$(VENV)/bin/ruff check shared services simulators tools deploy tests bench
	$(VENV)/bin/mypy shared services tools

asyncapi: venv
	$(PY) -m tools.asyncapi docs/asyncapi

openapi: venv
	$(PY) -m tools.openapi docs/openapi

compose-config: venv
	$(PY) -m tools.compose_config deploy/compose/config

k8s-topics: venv
	$(PY) -m tools.k8s_topics > deploy/k8s/base/topics.yaml

chaos: venv jars
	@$(CHAOS_STACK) reset >/dev/null 2>&1 || true
	$(CHAOS_STACK) up --infra-only
	@eval "$$($(CHAOS_STACK) env)"; status=0; \
	  $(CHAOS_ENV) CROSSDOCK_CHAOS_OWNS_STACK=1 $(PY) -m tests.chaos.run $(CHAOS_ARGS) || status=$$?; \
	  $(CHAOS_STACK) down; exit $$status

bench: venv jars
	@$(BENCH_STACK) reset >/dev/null 2>&1 || true
	$(BENCH_STACK) up --infra-only
	@eval "$$($(BENCH_STACK) env)"; status=0; \
	  CROSSDOCK_BENCH_STATE=.local/bench-stack $(PY) bench/run.py || status=$$?; \
	  $(BENCH_STACK) down; exit $$status

clean: venv
	$(STACK) reset
	rm -rf .local $(VENV)
