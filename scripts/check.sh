#!/usr/bin/env bash
# Every check CI runs, after `scripts/install.sh --dev`: lint, the layers, types, the generated
# reference, then the whole test suite with its slowest tests listed, on two workers (pytest-xdist:
# most slow tests wait on a process starting; a test file stays on one worker, as its fixtures are
# per module; the longest files go first, tests/conftest.py). Arguments go to pytest
# (`bash scripts/check.sh -m "not slow"` for the fast tier).
set -euo pipefail
cd "$(dirname "$0")/.."
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache | tail -n 4  # the contracts in pyproject.toml
.venv/bin/mypy
.venv/bin/python scripts/reference.py --check
.venv/bin/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=15 "$@"
