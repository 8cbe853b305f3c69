#!/usr/bin/env bash
# Create .venv/ in the project root and install news-etl with every dependency pinned
# (requirements.lock), the spaCy model included. --dev adds the test and lint tools.
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then py="$candidate"; break; fi
  done
fi
[ -x .venv/bin/python ] || "$py" -m venv .venv
# one pip for everyone: older pips resolve extras such as lxml[html_clean] differently
.venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==26.3"
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".${extras}"
