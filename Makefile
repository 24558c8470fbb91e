# The two commands that matter: `make run` (the site with demo data) and `make test` (every test).
.PHONY: run test lint format venv venv-dev services chromium

run: venv-dev services
	bash scripts/run.sh

test: venv-dev services chromium lint
	.venv/bin/python -m pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports

format: venv-dev
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

venv-dev:
	bash scripts/setup-venv.sh requirements-dev.txt

services:
	bash scripts/ensure-services.sh

chromium:
	bash scripts/ensure-chromium.sh
