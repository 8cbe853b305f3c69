#!/usr/bin/env bash
# Create .venv/ in the project root and install news-etl with every dependency pinned
# (requirements.lock), the spaCy model included. --dev adds the test and lint tools, and the
# headless browser the report's test drives (Debian's chromium, through apt when missing).
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
# (setuptools' editable-install banner is a warning about other layouts than this one)
PYTHONWARNINGS="ignore:Editable installation" \
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".${extras}"
if [ "${1:-}" = "--dev" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq chromium >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }
  else
    echo "install.sh: the report's browser test needs chromium (apt-get install chromium)" >&2
  fi
fi
