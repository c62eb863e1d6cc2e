# luoshi: `make run` sets everything up and serves the demo county; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: help install install-dev assets run test lint typecheck format lock clean screenshots

help:
	@echo "make run      install what is missing, migrate, load the demo county, serve on http://127.0.0.1:$(PORT)"
	@echo "make install  install the locked Python and npm dependencies and build the assets"
	@echo "make test     lint, type-check and run the whole test suite"
	@echo "make lock     re-resolve requirements*.lock from pyproject.toml"
	@echo "make screenshots  run the browser journeys and refresh the help pages' pictures (luoshi/help/static/help/img)"

install: $(VENV)/.installed assets/.built

install-dev: $(VENV)/.installed-dev assets/.built

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "luoshi 需要 Python 3.11 或更新版本（当前 %s）；可用 make PYTHON=python3.12 指定" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

# luoshi itself is installed editable, built by the venv's own setuptools (no separate build
# environment to download). A new venv has no setuptools (Python 3.12+) or one too old to build a
# wheel (3.11's 65.x: "invalid command 'bdist_wheel'"), so a recent one comes first. -qq hides
# setuptools' notice about editable installs; errors still show.
define install_luoshi
	$(BIN)/python -m pip install --quiet "setuptools>=77"
	$(BIN)/python -m pip install -qq --no-deps --no-build-isolation -e .
endef

$(VENV)/.installed: requirements.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(install_luoshi)
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(install_luoshi)
	@touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "需要 Node.js 20 和 npm 来安装前端库"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets/.built: node_modules/.installed scripts/build-assets.mjs
	npm run --silent build
	@touch $@

run: install
	PORT=$(PORT) $(BIN)/luoshi run --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy luoshi

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-dev lint typecheck
	LUOSHI_ENV=test $(BIN)/pytest -n auto $(PYTEST_ARGS)

# The help pages' pictures are the browser journeys' own screenshots (luoshi/help/screenshots.py).
screenshots: install-dev
	LUOSHI_HELP_SCREENSHOTS=1 LUOSHI_BROWSER_TESTS=required LUOSHI_ENV=test $(BIN)/pytest -m browser luoshi/web/tests/browser

lock: | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --generate-hashes --allow-unsafe -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --generate-hashes --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules assets .pytest_cache .mypy_cache .ruff_cache
