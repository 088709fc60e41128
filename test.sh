#!/usr/bin/env bash
# Install everything (Python packages, Debian's Chromium and poppler-utils) and run the
# whole test suite: unit, SQL, CLI, app (AppTest) and browser (headless Chromium) tests.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
