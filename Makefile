# zkpot — the two commands a fresh machine needs are `make demo` and `make test`.
# Each target creates .venv on first use and re-installs only when pyproject.toml
# (or package-lock.json) changed: the stamp files below remember what is installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PIP    := $(PY) -m pip --disable-pip-version-check --quiet
KATEX  := docs/assets/vendor/katex
GEN    := docs/assets/generated

.PHONY: demo test test-fast chromium docs serve-docs bench lint format clean help

help:
	@echo "make demo    run the end-to-end demo (creates .venv, installs zkpot)"
	@echo "make test    run the whole test suite (installs the test extras)"
	@echo "make docs    build the documentation site into site/ (mkdocs --strict)"
	@echo "make bench   run the benchmarks (py_ecc, galois, ckzg, snarkjs beside zkpot); slow"
	@echo "make lint    ruff check and format check"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "zkpot needs Python >= 3.11; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-base: pyproject.toml | $(PY)
	$(PIP) install -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml | $(PY)
	$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.stamp-base

$(VENV)/.stamp-docs: pyproject.toml | $(PY)
	$(PIP) install -e '.[docs]'
	@touch $@ $(VENV)/.stamp-base

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: $(VENV)/.stamp-base
	$(BIN)/zkpot demo

# The suite builds the documentation site and opens it in Chromium (tests/test_docs_site.py):
# it needs the docs extras, the KaTeX copy and the generated pages too.
SITE_INPUTS := $(VENV)/.stamp-docs $(KATEX)/.stamp $(GEN)/ml/quantize-report.txt

test: $(VENV)/.stamp-test node_modules/.stamp chromium $(SITE_INPUTS)
	$(PY) -m pytest

test-fast: $(VENV)/.stamp-test node_modules/.stamp chromium $(SITE_INPUTS)
	$(PY) -m pytest -m "not slow"

# The browser tests drive the system's Chromium (Debian's package) with Playwright; it is
# installed here when missing (as root, or through sudo). ZKPOT_CHROMIUM names another.
# Without apt-get (macOS, say) this says so in one line, and the browser tests skip.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@[ -n "$$ZKPOT_CHROMIUM" ] || command -v chromium >/dev/null || \
	  command -v chromium-browser >/dev/null || { command -v apt-get >/dev/null || { \
	  echo "no Chromium and no apt-get: the browser tests will skip (set ZKPOT_CHROMIUM)"; \
	  exit 0; }; \
	  echo "installing Chromium (Debian's chromium package) for the browser tests"; \
	  $(SUDO) apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q chromium >/dev/null; }; }

$(KATEX)/.stamp: node_modules/.stamp
	rm -rf $(KATEX) && mkdir -p $(KATEX)
	cp -r node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css \
	      node_modules/katex/dist/fonts node_modules/katex/dist/contrib $(KATEX)/
	@touch $@

# The fixed-point ML page shows the report and plots of a real training run, made here.
$(GEN)/ml/quantize-report.txt: $(VENV)/.stamp-docs $(wildcard zkpot/ml/*.py)
	mkdir -p $(GEN)/ml
	$(BIN)/zkpot quantize-report --plots $(GEN)/ml > $@.tmp && mv $@.tmp $@

docs: $(VENV)/.stamp-docs $(KATEX)/.stamp $(GEN)/ml/quantize-report.txt
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

serve-docs: $(VENV)/.stamp-docs $(KATEX)/.stamp $(GEN)/ml/quantize-report.txt
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

bench: $(VENV)/.stamp-test node_modules/.stamp
	$(PY) benchmarks/bench_field.py --save
	$(PY) benchmarks/bench_curve.py --save
	$(PY) benchmarks/bench_poly.py --save
	$(PY) benchmarks/bench_hash.py --save
	$(PY) benchmarks/bench_plonk.py --save
	$(PY) benchmarks/bench_lookup.py --save
	$(PY) benchmarks/bench_ml.py --save

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.stamp-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules site $(KATEX) $(GEN) .pytest_cache .ruff_cache .hypothesis
