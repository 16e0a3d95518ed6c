# newswatch — the two commands a newcomer needs are `make run` and `make test`; `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KAFKA := deploy/kafka/kafka.sh
CONFIG ?= deploy/config/newswatch.yaml
SPOOL ?= var/spool
BENCHES ?= bench/*_bench.py

.PHONY: eval check-deploy page-assets help venv run kafka-start kafka-stop kafka-status seeds test test-unit test-deps lint typecheck bench soak clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "python3 (>= 3.11) is required"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP) ## create the virtualenv and install newswatch with its dev tools

kafka-start: venv ## fetch (once) and start the local Kafka broker on 127.0.0.1:9092
	$(KAFKA) start

kafka-stop: ## stop the local Kafka broker
	$(KAFKA) stop

kafka-status: ## is the local broker running?
	$(KAFKA) status

seeds: ## copy the seed articles (with sidecar metadata) into the spool folder
	$(BIN)/python deploy/seeds/stage_seeds.py $(SPOOL)

run: venv kafka-start seeds ## set up, start Kafka, run connectors + worker on the default config (Ctrl-C stops)
	NEWSWATCH_CONFIG=$(CONFIG) $(BIN)/newswatch run

page-assets: venv ## refetch the page's vendored ECharts and world map (committed; needs npm, pins in the script)
	$(BIN)/pip install -q pycountry
	$(BIN)/python streams/store/page/vendor/fetch_assets.py

test-deps: ## install the Debian packages the tests need (prometheus, postgresql, chromium) when missing
	@deploy/scripts/install-test-deps.sh

test: venv test-deps lint typecheck ## set up, start what the tests need, run the whole suite, stop what was started
	NEWSWATCH_REQUIRE_POSTGRES=1 NEWSWATCH_REQUIRE_BROWSER=1 $(BIN)/pytest -p no:cacheprovider -m "not soak and not tooling and not realtext" $(PYTEST_ARGS)

test-unit: venv ## the fast tests only (no broker, no external servers)
	$(BIN)/pytest -m "not integration and not soak" $(PYTEST_ARGS)

check-deploy: venv ## validate docker-compose.yml with `docker compose config` and the k8s kustomization with kubectl
	$(BIN)/pytest -p no:cacheprovider -m tooling tests/deploy $(PYTEST_ARGS)

eval: venv ## score the detectors and dedupe on the real-text sets (needs the corpora of docs/evaluation.md under /work/.mirror)
	$(BIN)/python -m tests.eval.realtext.extract --set articles
	$(BIN)/python -m tests.eval.realtext.extract --set multilingual
	$(BIN)/python -m tests.eval.score_detection --set articles
	$(BIN)/python -m tests.eval.score_detection --set multilingual
	$(BIN)/pytest -p no:cacheprovider -m realtext $(PYTEST_ARGS)

FUZZ_SECONDS ?= 600
soak: venv test-deps ## long fault tests (3-broker cluster, 10-min sink outage, SIGKILLs) and bounded fuzzing
	NEWSWATCH_SOAK=1 $(BIN)/pytest -p no:cacheprovider -m soak -rA -s tests/faults $(PYTEST_ARGS)
	$(BIN)/python -m tests.fuzz.soak --seconds $(FUZZ_SECONDS)

lint: venv ## ruff
	$(BIN)/ruff check streams connectors alerts tests bench

typecheck: venv ## mypy on the packages
	$(BIN)/mypy

bench: venv ## run the benchmarks (quick mode) and print their tables; BENCHES="bench/x_bench.py" picks some
	@for b in $(BENCHES); do echo "== $$b"; $(BIN)/python $$b --quick || exit 1; done

clean: ## remove local state (Kafka data, spool, worker tables); keeps the venv and the jar cache
	-$(KAFKA) stop
	rm -rf var
