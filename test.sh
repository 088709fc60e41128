#!/usr/bin/env bash
# Install everything (Python packages; Debian's Chromium, poppler-utils and PostgreSQL) and run the
# whole test suite: unit, SQL, CLI, app (AppTest) and browser (headless Chromium) tests, on every
# core (pytest-xdist; each test file stays on one worker, so its fixtures are built once). Pass
# `-n 0` to run in one process.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
exec .venv/bin/python -m pytest -n auto --dist loadfile "$@"
