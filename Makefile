# Two commands on a fresh machine (Python 3.11+ with venv):
#   make run    set up .venv and start the app on http://localhost:8501
#               (this machine only; `make run HOST=0.0.0.0` listens on every interface;
#               the page shows a picture of the default map while the app boots:
#               `BRIEFING_FIRST_MAP=off make run` without it, see README)
#   make test   set up .venv and run lint, type checks and the whole test suite
#   make fast   the tests without the browser ones (the loop while working)
#   make serve  REPLICAS app processes behind HAProxy (sticky sessions), see README
PYTHON ?= python3
# Address the app listens on: localhost unless you say otherwise (see README, Security).
HOST   ?= localhost
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test fast lint bench load growth serve data ground
REPLICAS ?= 2
PORT     ?= 8501
BIND     ?= 127.0.0.1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	$(BIN)/streamlit run server.py --server.address $(HOST)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/mypy

# The tests run in WORKERS processes (pytest-xdist; `auto`: one per core). A test module
# stays in one process (--dist loadscope), so its module fixtures are built once; each
# process starts its own app server and browser for the browser tests. WORKERS=1 keeps
# to one process.
WORKERS ?= auto

# The tests include the benchmark's own (its peers' pages in the browser), so they set up
# the benchmark's dependencies too.
test: lint $(VENV)/.bench
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadscope

fast: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not e2e" -n $(WORKERS) --dist loadscope

$(VENV)/.bench: requirements-bench.txt $(VENV)/.dev
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench
	$(BIN)/python -m bench

# Optional benchmarks (not part of `make bench`): concurrent sessions against servers this
# starts on loopback ports, and date-change cost against the size of synthetic data.
load: $(VENV)/.dev
	$(BIN)/python -m bench.load

growth: $(VENV)/.dev
	$(BIN)/python -m bench.growth

# REPLICAS Streamlit processes behind Debian's haproxy on $(BIND):$(PORT); Ctrl-C stops all.
serve: $(VENV)/.runtime
	$(BIN)/python -m deploy.serve --replicas $(REPLICAS) --port $(PORT) --bind $(BIND)

# Rebuild data/boundaries.gpkg from Natural Earth (see data/README.md).
data: $(VENV)/.runtime
	$(BIN)/python -m geo.build_boundaries

# Rebuild data/ground.gpkg (rivers, lakes) from GSHHG through GMT (needs Debian's gmt and
# gmt-gshhg-full; see data/README.md, "Ground").
ground: $(VENV)/.runtime
	$(BIN)/python -m geo.build_ground
