# Strongroom — the two commands are `make dev` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
TOOLS := $(CURDIR)/.tools
UV := $(TOOLS)/bin/uv
BACKEND := $(CURDIR)/backend
PY := $(BACKEND)/.venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(BACKEND)/.venv

.PHONY: help dev test install backend-install frontend-install frontend-build oidc-provider-install lint typecheck \
        test-backend test-frontend migrate seed clean test-compose

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

dev: install frontend-build ## Install what is missing, migrate, seed demo data and run everything at http://127.0.0.1:8000
	@bash scripts/dev.sh

test: install oidc-provider-install ## Install what is missing and run every test suite (SQLite, then PostgreSQL + Redis)
	@bash scripts/test.sh

test-compose: backend-install ## Build and run the Docker Compose production stack for real and check it (root; scripts/check_compose_stack.sh)
	@bash scripts/check_compose_stack.sh

install: backend-install frontend-install ## Install backend and frontend dependencies (locked versions)

$(UV):
	@python3 -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

backend-install: $(UV) ## Python dependencies from backend/uv.lock into backend/.venv (and the headers python-ldap builds against)
	@bash scripts/backend_build_deps.sh
	@cd $(BACKEND) && $(UV) sync --frozen --quiet --python python3.11

frontend-install: ## Node dependencies from frontend/package-lock.json
	@cd frontend && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; fi

oidc-provider-install: ## The test OpenID Connect provider's Node dependencies (scripts/oidc/package-lock.json)
	@cd scripts/oidc && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; fi

frontend-build: frontend-install ## Production build of the SPA into frontend/dist
	@cd frontend && npm run --silent build

lint: backend-install ## ruff (lint and format check) and the import layers (lint-imports)
	@cd $(BACKEND) && .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports --no-cache

typecheck: backend-install ## mypy with django-stubs
	@cd $(BACKEND) && .venv/bin/mypy .

migrate: backend-install ## Apply migrations to the development database
	@cd $(BACKEND) && $(PY) manage.py migrate --noinput

clean: ## Remove the development database, broker folder and build output
	rm -rf $(BACKEND)/var frontend/dist
