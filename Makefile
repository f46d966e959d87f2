# multicloud.listeners: `make demo` and `make test` work on a fresh clone with python3, make and git.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo
RUN := source scripts/env.sh &&

.PHONY: help venv demo test units integration sanity lint docs-lint docs bench emulators clean

help:
	@echo "make demo   - install what the demo runs into .venv, start the emulators, apply the examples, preview an edit"
	@echo "make test   - install everything into .venv and run every suite (units, integration, sanity, lint, docs, packaging)"
	@echo "make units | integration | sanity | lint | docs-lint | docs | bench | emulators | clean"

# The venv is rebuilt only when the requirement files change. `make demo` installs only what the demo
# runs (requirements-demo.txt, and amazon.aws alone out of the `ansible` wheel); `make test` installs
# everything (requirements-dev.txt, which includes the demo's pins). --no-compile: Python compiles what the
# demo imports when it first runs it, not the thousands of files it never imports (about 10 s of CPU less).
$(DEMO_STAMP): requirements-demo.txt requirements-dev.txt scripts/install_amazon_aws.py
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-demo.txt
	$(VENV)/bin/python scripts/install_amazon_aws.py
	@touch $@

$(STAMP): requirements.txt requirements-demo.txt requirements-dev.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(DEMO_STAMP)

venv: $(STAMP)

demo: $(DEMO_STAMP)
	@$(RUN) bash scripts/demo.sh

# Every suite is a pytest test (units, one per integration target, sanity, lint, doc lint), run on
# 3 workers: most of an integration target's time is spent waiting on processes, not on the CPU.
# The longest suites are collected first (checks, then the targets, slowest first) so that none of them starts
# last and runs alone; --dist loadgroup keeps a file's tests that share one expensive fixture on one worker.
test: $(STAMP)
	@$(RUN) python -m pytest -n 3 --dist loadgroup -p no:cacheprovider tests/checks tests/integration tests/unit

units: $(STAMP)
	@$(RUN) python -m pytest -n 2 tests/unit

integration: $(STAMP)
	@$(RUN) python -m pytest -n 3 tests/integration $(if $(TARGET),-k $(TARGET))

sanity: $(STAMP)
	@$(RUN) bash scripts/sanity.sh

lint: $(STAMP)
	@$(RUN) ansible-lint --offline --profile production

docs-lint: $(STAMP)
	@$(RUN) bash scripts/docs.sh lint

docs: $(STAMP)
	@$(RUN) bash scripts/docs.sh build

emulators: $(DEMO_STAMP)
	@$(RUN) python tests/emulator/serve.py --ga-port 4601 --nlb-port 4602

bench: $(STAMP)
	@$(RUN) bash scripts/bench.sh

clean:
	rm -rf .cache build tests/output
